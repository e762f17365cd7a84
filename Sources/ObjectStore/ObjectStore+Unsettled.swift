// Recovery of interrupted puts. A batch commits its chunks and their manifests in one round (PutBatch.commit), so
// a crash in that round may leave a manifest durable on one volume while a chunk it names was lost on another.
// Such manifests are provisional records the batch never settled; each volume knows where its unsettled records
// may start (Volume.unsettledFrom). At open the store checks the manifests from there: one whose chunks each still
// have enough records is kept, one with a chunk short of records is deleted. Its put was never acknowledged (a
// batch answers only after every volume committed), and a later put of the same object writes it afresh. A batch
// whose commit fails does the same check at once for the manifests it wrote (PutBatch.commit).
import Primitives
import Synchronization
import Volumes

extension ObjectStore {
    /// Checks the manifests at or after each volume's unsettled mark and deletes those naming a chunk with too few
    /// records; records what it did in `openReport`. Waits for a later open when a volume is missing or new, since
    /// a chunk short of records could then be a complete one whose records are on that volume.
    func finishUnsettled() throws(StoreError) {
        let report = openReport
        guard report.unavailableVolumes.isEmpty, report.replacedVolumes.isEmpty else {
            openReportState.withLock { $0.isUnsettledCheckDeferred = true }
            return
        }
        let unfinished = try deleteIncomplete(try unsettledManifests())
        openReportState.withLock { $0.discardedUnfinished = unfinished }
    }

    /// Deletes the objects of `addresses` whose manifest names a chunk with too few records to be read, and
    /// returns them. Every decision is made before the first deletion, since a deletion's commit moves the
    /// settled marks past the manifests still to be checked.
    @discardableResult
    func deleteIncomplete(_ addresses: [ChunkAddress]) throws(StoreError) -> [ChunkAddress] {
        var incomplete: [ChunkAddress] = []
        for address in addresses where try !isComplete(address) { incomplete.append(address) }
        for address in incomplete { try delete(address) }
        return incomplete
    }

    /// The addresses of the live manifests at or after any volume's unsettled mark, in the order first found.
    private func unsettledManifests() throws(StoreError) -> [ChunkAddress] {
        var addresses: [ChunkAddress] = []
        var seen: Set<ChunkAddress> = []
        for (_, volume) in availableVolumes {
            do {
                try volume.forEachEntry(from: volume.unsettledFrom) { entry in
                    if entry.header.kind == .manifest, seen.insert(entry.header.key).inserted {
                        addresses.append(entry.header.key)
                    }
                }
            } catch {
                throw Self.storeError(error)
            }
        }
        return addresses
    }

    /// Whether every chunk the manifest at `address` names has enough records to be read: its data shards'
    /// worth of shards, or one copy. An unreadable manifest counts as complete: that is damage, for repair, not
    /// an interrupted put.
    private func isComplete(_ address: ChunkAddress) throws(StoreError) -> Bool {
        guard let manifest = try? manifest(address) else { return true }
        var checked: Set<ChunkAddress> = []
        for entry in manifest.entries where checked.insert(entry.address).inserted {
            let records = try locate(entry.address).map(\.entry.header).filter { $0.kind == .shard || $0.kind == .copy }
            let needed = records.first.map { $0.kind == .shard ? Int($0.dataShardCount) : 1 } ?? 1
            guard Set(records.map(\.shardIndex)).count >= needed else { return false }
        }
        return true
    }
}

extension StoreOpenReport {
    /// What the check of interrupted puts did, as lines for the operator (empty when there is nothing to say).
    public var unsettledNotes: [String] {
        var lines: [String] = []
        if !discardedUnfinished.isEmpty {
            lines.append(
                "note: deleted \(discardedUnfinished.count) object(s) whose store a crash interrupted (never "
                    + "acknowledged, chunks lost): " + discardedUnfinished.map(\.description).joined(separator: ", "))
        }
        if isUnsettledCheckDeferred {
            lines.append(
                "warning: the objects stored just before the last stop are checked at a later start, once every "
                    + "volume is present again")
        }
        return lines
    }
}
