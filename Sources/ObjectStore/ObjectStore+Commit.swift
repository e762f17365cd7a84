// Committing volumes: one volume on the calling thread, or several at once on the store's commit workers (one
// long-lived thread per volume) so their fdatasyncs overlap; and synchronizing several at once, which makes their
// records durable without indexing them (Volume.synchronize). Whether a writer's own records are durable, and when
// they may be taken back, is the volume's business (Volume.commit, Volume.discard).
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

    /// Commits each volume of `commits` with its tickets at once, each on its commit worker, so their fdatasyncs
    /// overlap. Returns the volumes that failed with their errors (empty when every ticket is durable).
    func commitAll(_ commits: [(volume: Volume, tickets: [AppendTicket])]) -> [(volume: Volume, error: StoreError)] {
        onCommitWorkers(commits) { volume, tickets throws(VolumeError) in try volume.commit(tickets) }
    }

    /// Makes the records of `volumes` durable without indexing them, each volume on its commit worker, so their
    /// fdatasyncs overlap. Returns the volumes that failed with their errors (empty when every ticket is durable).
    func synchronizeAll(_ volumes: [(volume: Volume, tickets: [AppendTicket])])
        -> [(volume: Volume, error: StoreError)]
    {
        onCommitWorkers(volumes) { volume, tickets throws(VolumeError) in try volume.synchronize(tickets) }
    }

    /// Runs `operation` on every volume of `volumes` with its tickets at once, each on its commit worker; returns
    /// the volumes it failed on, with their errors.
    private func onCommitWorkers(
        _ volumes: [(volume: Volume, tickets: [AppendTicket])],
        _ operation: @escaping @Sendable (Volume, [AppendTicket]) throws(VolumeError) -> Void
    ) -> [(volume: Volume, error: StoreError)] {
        let outcomes = commitPool.run(
            volumes.map { volume, tickets in
                { @Sendable () -> StoreError? in
                    do throws(VolumeError) {
                        try operation(volume, tickets)
                        return nil
                    } catch {
                        return Self.storeError(error)
                    }
                }
            })
        return zip(volumes, outcomes).compactMap { entry, error in error.map { (entry.volume, $0) } }
    }
}
