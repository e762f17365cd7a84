// How a store is laid out: how many volumes, the erasure code, the chunk sizes, the small-object threshold and the
// segment size. Recorded in `store.json` at first use; a node config may embed it.
public import Chunking
import Coding

/// The settings of one node's store.
public struct StoreConfiguration: Codable, Sendable, Equatable {
    /// The store layout version written in store.json.
    public static let currentFormat = 1
    /// Volumes by default: six directories, one per drive.
    public static let volumeCountDefault = 6
    /// Chunks (and objects) smaller than this are kept as m+1 full copies instead of being coded.
    public static let smallObjectBytesMaxDefault = 64 << 10

    /// The store layout version.
    public var format: Int
    /// Volumes `DIR/volumes/0` … `DIR/volumes/N-1`.
    public var volumeCount: Int
    /// k: data shards per chunk.
    public var dataShardCount: Int
    /// m: parity shards per chunk; any m volumes may be lost.
    public var parityShardCount: Int
    /// Chunk sizes.
    public var chunking: ChunkerConfiguration
    /// Chunks below this many bytes are stored as m+1 copies.
    public var smallObjectBytesMax: Int
    /// Segment files are sealed past this size.
    public var segmentBytesMax: Int64

    /// The defaults for `volumeCount` volumes: m = 3 from 8 volumes, 2 from 4, 1 from 2, else 0; k the rest,
    /// at most 12 (6 volumes → 4+2).
    public static func defaults(volumeCount: Int) -> StoreConfiguration {
        let parity = volumeCount >= 8 ? 3 : volumeCount >= 4 ? 2 : volumeCount >= 2 ? 1 : 0
        return StoreConfiguration(
            format: currentFormat, volumeCount: volumeCount, dataShardCount: min(12, max(1, volumeCount - parity)),
            parityShardCount: parity, chunking: .standard, smallObjectBytesMax: smallObjectBytesMaxDefault,
            segmentBytesMax: 1 << 30)
    }

    /// Checks the settings, naming the first bad one.
    public func validate() throws(StoreError) {
        guard format == Self.currentFormat else {
            throw StoreError(
                .configuration, "format \(format) is not supported (this tessera reads \(Self.currentFormat))")
        }
        guard (1...64).contains(volumeCount) else {
            throw StoreError(.configuration, "volumeCount \(volumeCount) must be from 1 to 64")
        }
        do {
            _ = try ReedSolomon(dataShardCount: dataShardCount, parityShardCount: parityShardCount)
        } catch {
            throw StoreError(.configuration, "dataShardCount/parityShardCount: \(error)")
        }
        guard dataShardCount + parityShardCount <= volumeCount else {
            throw StoreError(
                .configuration,
                "dataShardCount + parityShardCount (\(dataShardCount)+\(parityShardCount)) is larger than the "
                    + "volumeCount \(volumeCount): every shard of a chunk needs its own volume")
        }
        guard (0...chunking.chunkSizeMax).contains(smallObjectBytesMax) else {
            throw StoreError(.configuration, "smallObjectBytesMax \(smallObjectBytesMax) must be 0…chunkSizeMax")
        }
        guard segmentBytesMax >= Int64(chunking.chunkSizeMax) * 2 || segmentBytesMax >= 1 << 20 else {
            throw StoreError(.configuration, "segmentBytesMax \(segmentBytesMax) is too small")
        }
    }
}
