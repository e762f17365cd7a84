// Write-behind: starting the drive on a volume's appended records before the commit that makes them durable, so
// that commit's fdatasync has little left to write. Owns no durability: only Volume.commit reports records durable,
// and a record written back early can still be discarded.
import Primitives
import Synchronization

extension Volume {
    /// Starts writing back the segments with appended, uncommitted records, without waiting and without taking
    /// any record. A hint for the drive; errors surface in the commit's fdatasync.
    public func startWriteback() {
        let unsynced = appendState.withLock { $0.unsynced }
        guard !unsynced.isEmpty else { return }
        for file in files(of: unsynced) { disk.startWriteback(file) }
    }
}
