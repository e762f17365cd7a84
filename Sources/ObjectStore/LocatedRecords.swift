// The records of chunks a multi-object read looked up ahead of reading them (ObjectStore+Prefetch.swift), handed to
// the read-ahead jobs so each chunk is looked up in the volume indexes once, not once to ask ahead and again to read.
import Primitives
import Synchronization
import Volumes

/// Index entries of chunks looked up ahead, each taken once by the read of its chunk.
///
/// Entries are as current as a lookup made a moment before the read; a record removed in between fails its read
/// as it would have anyway, and the chunk is rebuilt from the other shards or reported.
final class LocatedRecords: Sendable {
    /// Chunks held at most: the objects asked ahead of delivery (`prefetchObjectsAhead`) rarely hold more, and a
    /// chunk beyond it is simply looked up again.
    static let chunkCountMax = 4_096

    private let records = Mutex<[ChunkAddress: [(volume: Volume, entry: IndexEntry)]]>([:])

    /// Keeps what a lookup of `address` found, unless `chunkCountMax` chunks are held already.
    func keep(_ found: [(volume: Volume, entry: IndexEntry)], for address: ChunkAddress) {
        records.withLock { held in
            if held.count < Self.chunkCountMax { held[address] = found }
        }
    }

    /// What was found for `address`, removed; nil when it was not looked up ahead (or was taken already).
    func take(_ address: ChunkAddress) -> [(volume: Volume, entry: IndexEntry)]? {
        records.withLock { $0.removeValue(forKey: address) }
    }
}
