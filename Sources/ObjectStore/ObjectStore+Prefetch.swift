// Asking the drives for what a multi-object read will need next: the records of the next objects are requested
// (posix_fadvise WILLNEED) while the current ones are verified and sent, so the reads find them in memory instead
// of waiting for the drives one record at a time. Only hints: nothing here reads a chunk or reports an error.
import Primitives
import Volumes

extension ObjectStore {
    /// Objects of a multi-object read whose records are asked for ahead of the one being delivered.
    static let prefetchObjectsAhead = 16
    /// Bytes of one object asked for ahead at most, so a huge object does not flood the page cache.
    static let prefetchBytesPerObjectMax: UInt64 = 32 << 20

    /// Asks every volume's drive to read its index into memory now (Volume.prefetchIndex) and returns at once: a
    /// caller about to read many objects calls it before its own slower steps (a catalog query), so the index reads
    /// overlap them. A hint: it reports nothing.
    public func prefetchIndexes() {
        for (_, volume) in availableVolumes { volume.prefetchIndex() }
    }

    /// Asks the volumes to start reading the records a read of the object at `address` will read: its data shards,
    /// or the copy read first, for its first `prefetchBytesPerObjectMax` bytes. Reads the manifest to know them (and
    /// so keeps it in the read cache). Failures are ignored: the read that follows reports them.
    func prefetchObject(_ address: ChunkAddress, located: LocatedRecords? = nil) {
        guard let manifest = try? manifest(address) else { return }
        var requested: UInt64 = 0
        for entry in manifest.entries {
            guard requested < Self.prefetchBytesPerObjectMax else { return }
            requested += UInt64(entry.length)
            prefetchChunk(entry, located: located)
        }
    }

    /// Asks for the records of the chunk that `readChunk` reads first: the k data shards, or the first copy; leaves
    /// what it looked up in `located` for that read.
    private func prefetchChunk(_ entry: ManifestEntry, located: LocatedRecords?) {
        if readCache?.holdsChunk(entry.address) == true { return }
        guard let found = try? locate(entry.address) else { return }
        located?.keep(found, for: entry.address)
        let records = found.filter { $0.entry.header.kind != .manifest }
        guard let first = records.first else { return }
        if first.entry.header.kind == .copy {
            first.volume.prefetch(first.entry)
            return
        }
        let dataShardCount = Int(first.entry.header.dataShardCount)
        for (volume, record) in records where Int(record.header.shardIndex) < dataShardCount {
            volume.prefetch(record)
        }
    }
}
