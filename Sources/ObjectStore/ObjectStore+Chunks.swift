// Chunks one at a time, by address, for replication between nodes: whether the store holds a chunk (so a sender
// is told not to send it), and one chunk's verified bytes (what a node serves to a peer reading or repairing).
// A chunk is held when enough of it is on the volumes to rebuild it: one copy of a small chunk, k shards of another.
import Chunking
import Primitives
import Synchronization
import Volumes

/// How much of one chunk the volumes hold.
struct ChunkHolding {
    /// Distinct shards or copies present.
    let present: Int
    /// Present pieces needed to read it.
    let needed: Int
    /// Pieces a whole chunk has.
    let wanted: Int

    /// Whether the chunk can be read (perhaps decoded from parity).
    var isReadable: Bool { present >= needed }
    /// Whether every piece is there.
    var isWhole: Bool { present >= wanted }
}

extension ObjectStore {
    /// How much of the chunk `entry` names the volumes hold (by its length, small chunks are kept as copies).
    func holding(_ entry: ManifestEntry) throws(StoreError) -> ChunkHolding {
        let present = Set(
            try locate(entry.address).filter { $0.entry.header.kind != .manifest }.map { $0.entry.header.shardIndex })
        let isSmall = Int(entry.length) < configuration.smallObjectBytesMax
        return ChunkHolding(
            present: present.count, needed: isSmall ? 1 : configuration.dataShardCount,
            wanted: isSmall
                ? configuration.parityShardCount + 1
                : configuration.dataShardCount
                    + configuration.parityShardCount)
    }

    /// Whether the store holds the chunk `entry` names well enough to read it: a sender need not send it.
    public func holdsChunk(_ entry: ManifestEntry) throws(StoreError) -> Bool { try holding(entry).isReadable }

    /// The bytes of the chunk `entry` names, rebuilt from parity if needed, their SHA-256 checked.
    /// Throws `.corrupt` when it is missing or cannot be rebuilt, `.configuration` for a length no chunk has here.
    public func chunk(_ entry: ManifestEntry) throws(StoreError) -> [UInt8] {
        guard Int(entry.length) <= configuration.chunking.chunkSizeMax else {
            let maximum = configuration.chunking.chunkSizeMax
            throw StoreError(
                .configuration, "a chunk of \(entry.length) bytes is over this store's maximum of \(maximum)")
        }
        let buffer = ChunkBuffer(capacity: 0)
        try readChunk(entry, into: buffer)
        return Array(buffer.bytes)
    }
}
