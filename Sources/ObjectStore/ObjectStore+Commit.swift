// Committing volumes: one volume on the calling thread, or several at once on the store's commit workers (one
// long-lived thread per volume) so their fdatasyncs overlap. Whether a writer's own records are durable, and when
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
        let outcomes = commitPool.run(
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
        return zip(commits, outcomes).compactMap { entry, error in error.map { (entry.volume, $0) } }
    }
}
