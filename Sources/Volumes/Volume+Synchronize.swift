// Durable before indexed: an fdatasync of a volume's appended records that leaves them pending, so a writer can
// order its own records (chunks before the manifest naming them) and still index everything in one commit.
// Visibility stays Volume.commit's business; a record synchronized here is still untaken and can be discarded.
import Primitives
import Synchronization

extension Volume {
    /// Makes every record appended so far durable (one fdatasync per touched segment) without indexing it or
    /// taking it from the pending records: a later commit indexes it, and discard can still take it back.
    /// Returns only if the records of `tickets` are durable.
    ///
    /// Throws when the fdatasync fails (and the next commit then fails whatever records it takes, since Linux
    /// reports a failed writeback to one fdatasync only), or when a failed commit took any of `tickets`.
    public func synchronize(_ tickets: [AppendTicket]) throws(VolumeError) {
        do {
            try commitLock.withLock { log throws in
                // Another writer's synchronize or commit may already have made these records durable: group
                // commit, as a commit that finds nothing pending does no fdatasync.
                if tickets.contains(where: { $0.sequence >= log.durableCount }) {
                    let (unsynced, appendCount) = appendState.withLock { ($0.unsynced, $0.appendCount) }
                    do {
                        try synchronize(segments: unsynced)
                    } catch {
                        log.isSynchronizeFailed = true
                        throw error
                    }
                    log.durableCount = max(log.durableCount, appendCount)
                }
                if let lost = tickets.first(where: { log.isLost($0) }) {
                    throw VolumeError(.commitFailed(lost.location), path: path)
                }
            }
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }
}
