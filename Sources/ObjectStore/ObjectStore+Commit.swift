// Committing volumes: one volume on the calling thread, or several at once through the store's executor (a pooled
// thread per volume in production) so their fdatasyncs overlap while the caller does other work. Whether a writer's
// own records are durable, and when they may be taken back, is the volume's business (Volume.commit, discard).
import Primitives
import Volumes

extension ObjectStore {
    /// Commits `volume` (group commit: everything appended to it so far becomes durable) and throws unless the
    /// records of `tickets` are durable, including when another writer's failed commit took them.
    func commit(_ volume: Volume, _ tickets: [AppendTicket]) throws(StoreError) {
        do {
            try volume.commit(tickets)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Starts committing each volume of `commits` with its tickets, each as a job of the executor so their
    /// fdatasyncs overlap, and returns: the caller may work meanwhile, then wait with the round's `failures()`.
    /// Inline, every commit is done before this returns.
    func startCommits(_ commits: [(volume: Volume, tickets: [AppendTicket])]) -> CommitRound {
        let run = executor.launch(
            commits.map { volume, tickets in
                { @Sendable () -> StoreError? in
                    do throws(VolumeError) {
                        try volume.commit(tickets)
                        return nil
                    } catch {
                        return Self.storeError(error)
                    }
                }
            })
        return CommitRound(volumes: commits.map(\.volume), run: run)
    }
}

/// Volume commits running on the store's executor.
struct CommitRound {
    let volumes: [Volume]
    let run: ExecutorRun<StoreError?>

    /// Waits for every commit of the round (a later call returns at once); returns the volumes that failed, with
    /// their errors (empty when every ticket is durable).
    func failures() -> [(volume: Volume, error: StoreError)] {
        zip(volumes, run.results()).compactMap { volume, error in error.map { (volume, $0) } }
    }
}
