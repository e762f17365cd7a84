// Whether an object is whole, from the volume indexes alone: its manifest readable, and enough records of every
// chunk for a read to succeed. Reads no chunk bytes, so `tessera check` can ask it of every catalogued instance.
public import Primitives
import Volumes

/// How whole an object is.
public enum ObjectWholeness: Sendable, Equatable {
    /// Every chunk has all its shards (or every copy).
    case whole
    /// Every chunk can be read, some only by rebuilding from parity: `tessera scrub` restores the rest.
    case degraded(chunkCount: Int)
    /// The manifest is gone or unreadable, or some chunks have too few records to be read.
    case missing(reason: String)
}

extension ObjectStore {
    /// How whole the object at `address` is, judged from the indexes: each chunk needs k distinct shards (or one
    /// copy) to be readable, k + m (or m + 1 copies) to be whole. Record bytes are not read: a damaged record
    /// counts until a read or a scrub finds it.
    public func wholeness(of address: ChunkAddress) -> ObjectWholeness {
        let manifest: Manifest
        do {
            manifest = try self.manifest(address)
        } catch {
            return .missing(reason: "its manifest cannot be read: \(error)")
        }
        var degradedCount = 0
        var missingCount = 0
        var checked = Set<ChunkAddress>()
        for entry in manifest.entries where checked.insert(entry.address).inserted {
            let records: [(volume: Volume, entry: IndexEntry)]
            do {
                records = try locate(entry.address)
            } catch {
                missingCount += 1
                continue
            }
            let copies = records.filter { $0.entry.header.kind == .copy }
            let shards = records.filter { $0.entry.header.kind == .shard }
            if let first = shards.first?.entry.header {
                let present = Set(shards.map(\.entry.header.shardIndex)).count
                let needed = Int(first.dataShardCount)
                if present < needed && copies.isEmpty {
                    missingCount += 1
                } else if present < needed + Int(first.parityShardCount) && copies.isEmpty {
                    degradedCount += 1
                }
            } else if copies.isEmpty {
                missingCount += 1
            } else if copies.count < configuration.parityShardCount + 1 {
                degradedCount += 1
            }
        }
        if missingCount > 0 {
            return .missing(reason: "\(missingCount) of its \(checked.count) chunks have too few records to be read")
        }
        return degradedCount > 0 ? .degraded(chunkCount: degradedCount) : .whole
    }
}
