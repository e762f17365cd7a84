// Deleting and reclaiming: a delete writes tombstones for the manifest; mark-and-sweep frees every chunk no live
// manifest references, then compaction returns the space (DESIGN.md, "Garbage").
public import Primitives
import Volumes

/// What a garbage collection freed.
public struct GarbageReport: Sendable {
    /// Live objects found.
    public var liveObjects = 0
    /// Shard and copy records no live object references, now forgotten.
    public var recordsFreed = 0
    /// Bytes of segment files removed by compaction.
    public var bytesReclaimed: Int64 = 0
}

/// One stored object as `list` reports it.
public struct StoredObject: Sendable {
    public let address: ChunkAddress
    public let length: UInt64
    public let chunkCount: Int
}

extension ObjectStore {
    /// Dead fraction from which a segment is rewritten by garbage collection.
    static let compactionDeadFractionMin = 0.5

    /// Deletes the object at `address`: its manifest copies get tombstones; its chunks are freed by the next
    /// `collectGarbage` unless another object shares them.
    public func delete(_ address: ChunkAddress) throws(StoreError) {
        let copies = try locate(address).filter { $0.entry.header.kind == .manifest }
        guard !copies.isEmpty else { throw StoreError(.notFound, "no object with address \(address)") }
        // Once the tombstones are committed no read from the volumes finds the manifest again; after a failure some
        // may be, so the cached manifest goes either way.
        defer { readCache?.forgetObject(address) }
        do {
            for (volume, _) in copies {
                let header = RecordHeader(
                    kind: .tombstone, key: address, shardIndex: 0, dataShardCount: 1,
                    parityShardCount: 0, objectLength: 0)
                let ticket = try volume.append(header, payload: UnsafeRawBufferPointer(start: nil, count: 0))
                try commit(volume, [ticket])
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The address of every live object, sorted, without reading their manifests (what `list` reads).
    public func objectAddresses() throws(StoreError) -> [ChunkAddress] { try liveManifestAddresses() }

    /// The address of every live object in the order its manifests lie in the segments (the order they were
    /// written, volume by volume), so reading them all moves through the drives instead of jumping about: what a
    /// catalog rebuild wants from a cold store.
    public func objectAddressesInStorageOrder() throws(StoreError) -> [ChunkAddress] {
        var seen = Set<ChunkAddress>()
        var ordered: [ChunkAddress] = []
        for (_, volume) in availableVolumes {
            do {
                try volume.forEachEntry { entry in
                    if entry.header.kind == .manifest && seen.insert(entry.header.key).inserted {
                        ordered.append(entry.header.key)
                    }
                }
            } catch {
                throw Self.storeError(error)
            }
        }
        return ordered
    }

    /// Every live object, by address.
    public func list() throws(StoreError) -> [StoredObject] {
        try liveManifestAddresses().map { address throws(StoreError) in
            let manifest = try manifest(address)
            return StoredObject(address: address, length: manifest.length, chunkCount: manifest.entries.count)
        }
    }

    /// Marks every chunk a live manifest references, forgets every other shard and copy, then compacts segments
    /// that became mostly dead. Puts wait while it runs.
    public func collectGarbage() throws(StoreError) -> GarbageReport {
        do {
            return try collectionLock.withExclusive { try collectGarbageLocked() }
        } catch {
            throw Self.storeError(error)
        }
    }

    private func collectGarbageLocked() throws -> GarbageReport {
        var report = GarbageReport()
        var live = Set<ChunkAddress>()
        for address in try liveManifestAddresses() {
            // An unreadable manifest stops the sweep: freeing chunks we cannot account for could lose data.
            let manifest = try manifest(address)
            report.liveObjects += 1
            for entry in manifest.entries { live.insert(entry.address) }
        }
        for (_, volume) in availableVolumes {
            var garbage: [IndexEntry] = []
            try volume.forEachEntry { entry in
                let kind = entry.header.kind
                if (kind == .shard || kind == .copy) && !live.contains(entry.header.key) { garbage.append(entry) }
            }
            try volume.forget(garbage)
            report.recordsFreed += garbage.count
            report.bytesReclaimed += try volume.compact(deadFractionMin: Self.compactionDeadFractionMin).bytesFreed
        }
        readCache?.forgetAll()
        return report
    }
}
