// Keeping every chunk whole: heal one chunk or manifest (rebuild what is missing or damaged from what survives),
// and the scrubber that walks every record at a bounded rate and heals what fails.
import Coding
public import Primitives
import Synchronization
import Volumes

/// What a scrub found and did.
public struct ScrubReport: Sendable {
    /// Records read and checked.
    public var recordsChecked = 0
    /// Payload bytes read.
    public var bytesChecked: Int64 = 0
    /// Records that failed their CRC or header check.
    public var corruptRecords = 0
    /// Chunks or manifests with fewer shards or copies than they should have.
    public var incompleteObjects = 0
    /// Chunks and manifests healed back to full redundancy.
    public var healed = 0
    /// Chunks and manifests that could not be rebuilt: fewer than k shards survive anywhere on this node.
    public var unrecoverable: [ChunkAddress] = []
}

extension ObjectStore {
    /// Walks every record of every volume (at most `bytesPerSecond`, 0 for no limit), checks that every live
    /// object has all its shards, and heals what is damaged or missing.
    public func scrub(bytesPerSecond: Int64 = 0, clock: some TimeSource, progress: ((ScrubReport) -> Void)? = nil)
        throws(StoreError) -> ScrubReport
    {
        var report = ScrubReport()
        var suspects = healQueue.withLock { queue in
            defer { queue = [] }
            return queue
        }
        suspects.remove(Self.healEverything)
        let start = clock.now()
        for (_, volume) in availableVolumes {
            do {
                try volume.forEachEntry { entry in
                    if (try? volume.read(entry)) == nil {
                        report.corruptRecords += 1
                        suspects.insert(entry.header.key)
                    }
                    report.recordsChecked += 1
                    report.bytesChecked += Int64(entry.header.payloadLength)
                    if bytesPerSecond > 0 {
                        let due = start.advanced(byTicks: report.bytesChecked * Instant.ticksPerSecond / bytesPerSecond)
                        if clock.now() < due { clock.sleep(until: due) }
                    }
                    if report.recordsChecked % 256 == 0 { progress?(report) }
                }
            } catch {
                throw Self.storeError(error)
            }
        }
        for address in try liveManifestAddresses() {
            suspects.insert(address)
            guard let manifest = try? manifest(address) else { continue }
            for entry in manifest.entries { suspects.insert(entry.address) }
        }
        for key in suspects.sorted() {
            switch try heal(key) {
            case .intact: break
            case .healed:
                report.incompleteObjects += 1
                report.healed += 1
            case .unrecoverable:
                report.incompleteObjects += 1
                report.unrecoverable.append(key)
            }
        }
        healQueue.withLock { $0.formUnion(report.unrecoverable) }
        try saveHealQueue()
        progress?(report)
        return report
    }

    /// The result of healing one key.
    public enum HealOutcome: Sendable, Equatable {
        /// Everything was already there and intact.
        case intact
        /// Missing or damaged shards or copies were rebuilt.
        case healed
        /// Too little survives on this node to rebuild.
        case unrecoverable
    }

    /// Rebuilds the missing or damaged shards or copies of the chunk or manifest `key`.
    public func heal(_ key: ChunkAddress) throws(StoreError) -> HealOutcome {
        let records = try locate(key).filter { $0.entry.header.kind != .tombstone }
        guard let first = records.first else { return .intact }
        do {
            switch first.entry.header.kind {
            case .shard: return try healShards(key, records: records.filter { $0.entry.header.kind == .shard })
            case .copy, .manifest:
                return try healCopies(key, records: records.filter { $0.entry.header.kind == first.entry.header.kind })
            case .tombstone: return .intact
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    private func healCopies(_ key: ChunkAddress, records: [(volume: Volume, entry: IndexEntry)]) throws -> HealOutcome {
        var good: [(volume: Volume, entry: IndexEntry, bytes: [UInt8])] = []
        var bad: [(volume: Volume, entry: IndexEntry)] = []
        for (volume, entry) in records {
            if let bytes = try? volume.read(entry), SHA256.hash(bytes) == key,
                !good.contains(where: { $0.volume === volume })
            {
                good.append((volume, entry, bytes))
            } else {
                bad.append((volume, entry))
            }
        }
        guard let source = good.first else { return .unrecoverable }
        let wanted = Int(source.entry.header.parityShardCount) + 1
        let missing = wanted - good.count
        guard missing > 0 || !bad.isEmpty else { return .intact }
        let holders = good.map(\.volume)
        let targets = ranking(for: key).filter { volume in !holders.contains { $0 === volume } }.prefix(max(0, missing))
        let usedIndices = Set(good.map(\.entry.header.shardIndex))
        var nextIndex: UInt8 = 0
        for volume in targets {
            while usedIndices.contains(nextIndex) { nextIndex += 1 }
            var header = source.entry.header
            header.shardIndex = nextIndex
            nextIndex += 1
            let ticket = try source.bytes.withUnsafeBytes { try volume.append(header, payload: $0) }
            try commit(volume, [ticket])
        }
        try forget(bad)
        return .healed
    }

    private func healShards(_ key: ChunkAddress, records: [(volume: Volume, entry: IndexEntry)]) throws -> HealOutcome {
        let header = records[0].entry.header
        let k = Int(header.dataShardCount)
        let total = k + Int(header.parityShardCount)
        let length = Int(header.payloadLength)
        var shards = [[UInt8]?](repeating: nil, count: total)
        var holders = [Volume?](repeating: nil, count: total)
        var bad: [(volume: Volume, entry: IndexEntry)] = []
        for (volume, entry) in records {
            let index = Int(entry.header.shardIndex)
            guard index < total, entry.header.payloadLength == UInt32(length) else {
                bad.append((volume, entry))
                continue
            }
            guard shards[index] == nil else { continue }  // a second intact copy of a shard: keep it
            guard let bytes = try? volume.read(entry) else {
                bad.append((volume, entry))
                continue
            }
            shards[index] = bytes
            holders[index] = volume
        }
        let missing = (0..<total).filter { shards[$0] == nil }
        guard !missing.isEmpty || !bad.isEmpty else { return .intact }
        guard total - missing.count >= k else { return .unrecoverable }
        let code = try ReedSolomon(dataShardCount: k, parityShardCount: total - k)
        try code.reconstruct(&shards)
        let data = shards[..<k].flatMap { $0! }.prefix(Int(header.objectLength))
        guard SHA256.hash(Array(data)) == key else { return .unrecoverable }
        let ranked = ranking(for: key)
        for index in missing {
            let occupied = holders.compactMap { $0 }
            let isFree = { (volume: Volume) in !occupied.contains { $0 === volume } }
            let preferred = index < ranked.count && isFree(ranked[index]) ? ranked[index] : nil
            guard let target = preferred ?? ranked.first(where: isFree) ?? ranked.first else { return .unrecoverable }
            var shardHeader = header
            shardHeader.shardIndex = UInt8(index)
            let ticket = try shards[index]!.withUnsafeBytes { try target.append(shardHeader, payload: $0) }
            try commit(target, [ticket])
            holders[index] = target
        }
        try forget(bad)
        return .healed
    }

    /// Drops the index entries of damaged records. Where a healed record replaced one in place the entry's
    /// location no longer matches, and nothing is dropped.
    private func forget(_ bad: [(volume: Volume, entry: IndexEntry)]) throws {
        for (volume, entry) in bad { try volume.forget([entry]) }
    }

    /// Addresses of every live object (manifests without a tombstone) on any volume.
    func liveManifestAddresses() throws(StoreError) -> [ChunkAddress] {
        var addresses = Set<ChunkAddress>()
        for (_, volume) in availableVolumes {
            do {
                try volume.forEachEntry { entry in
                    if entry.header.kind == .manifest { addresses.insert(entry.header.key) }
                }
            } catch {
                throw Self.storeError(error)
            }
        }
        return addresses.sorted()
    }
}
