// The target side of replication: answers an offer with the chunks it lacks, and takes a transfer: checks the
// header against itself and the address it was sent to, stores the object with the sender's chunking (each sent
// chunk checked against its address), and catalogues the instance in the same commit, with this node's holding row,
// which it answers so the sender learns at once that this copy exists. Blocking: runs on a request's owned thread.
public import Catalog
import Coding
public import ObjectStore
public import Primitives

/// Receives replicas into this node's store and catalog.
public struct ReplicaReceiver: Sendable {
    /// This node's store.
    public let store: ObjectStore
    /// This node's catalog.
    public let catalog: Catalog
    /// This node, the holder of what it receives.
    public let holder: NodeID
    /// Merges a version received from the sender into this node's clock; false (not merged) when it is too far ahead.
    public let observe: @Sendable (HLCTimestamp) -> Bool
    /// Now, in wall-clock milliseconds.
    public let nowMilliseconds: @Sendable () -> Int64

    /// Makes a receiver.
    public init(
        store: ObjectStore, catalog: Catalog, holder: NodeID, observe: @escaping @Sendable (HLCTimestamp) -> Bool,
        nowMilliseconds: @escaping @Sendable () -> Int64
    ) {
        self.store = store
        self.catalog = catalog
        self.holder = holder
        self.observe = observe
        self.nowMilliseconds = nowMilliseconds
    }

    /// Which chunks of the instance at `address`, whose manifest is `manifestBytes`, this node lacks.
    public func answerOffer(address: ChunkAddress, manifestBytes: [UInt8]) throws(ReplicaError) -> ChunkNeeds {
        let manifest = try Self.manifest(manifestBytes, address: address)
        guard manifest.entries.count <= ChunkNeeds.positionsMax else {
            throw ReplicaError(.malformed, "a manifest of \(manifest.entries.count) chunks is over the limit")
        }
        var held: [ChunkAddress: Bool] = [:]
        for entry in manifest.entries where held[entry.address] == nil {
            do { held[entry.address] = try store.holdsChunk(entry) } catch { throw Self.refusal(error) }
        }
        return ChunkNeeds.answering(manifest.entries.map(\.address)) { held[$0] ?? false }
    }

    /// Takes the batch of transfers in `body` (ReplicaBatch), stored and catalogued with one commit; one outcome per
    /// transfer, in order: this node's holding row of it, or why it was refused. Throws when the batch's heads do not
    /// parse (nothing is stored then) or its chunks end early.
    public func receiveBatch(body: inout some ByteSource) throws(ReplicaError) -> [Result<[RegionalRow], ReplicaError>]
    {
        let heads = try ReplicaBatch.readHead(from: &body)
        // The store reads each transfer's chunks through a slice of the one body, so what it consumed is consumed from
        // the caller's body too (the HTTP server must not find the transfer's bytes still unread).
        let slices = StreamSlices(inner: body, lengths: heads.map { ReplicaBatch.chunkBytes(of: $0.header) })
        let outcomes = receiveAll(heads.enumerated().map { ($1.address, $1.header, slices.source($0)) })
        do { try slices.finish() } catch let error as ReplicaError { throw error } catch {
            throw ReplicaError(.io, "reading the batch failed: \(error)")
        }
        body = slices.inner
        return outcomes
    }

    /// Takes several transfers whose headers are already read, stored and catalogued with one commit; one outcome
    /// per transfer, in order (one that fails leaves the others to commit).
    public func receiveAll(_ transfers: [(address: ChunkAddress, header: ReplicaHeader, body: any ByteSource)])
        -> [Result<[RegionalRow], ReplicaError>]
    {
        var outcomes = [Result<[RegionalRow], ReplicaError>?](repeating: nil, count: transfers.count)
        var prepared: [(index: Int, item: Prepared, body: any ByteSource)] = []
        for (index, transfer) in transfers.enumerated() {
            do {
                prepared.append((index, try prepare(address: transfer.address, header: transfer.header), transfer.body))
            } catch {
                outcomes[index] = .failure(error)
            }
        }
        for (offset, outcome) in storeAll(prepared.map { ($0.item, $0.body) }).enumerated() {
            outcomes[prepared[offset].index] = outcome
        }
        return outcomes.map { $0 ?? .failure(ReplicaError(.unavailable, "no outcome")) }
    }

    /// A transfer checked against itself and its address, ready to store.
    struct Prepared {
        let address: ChunkAddress
        let manifest: Manifest
        let needs: ChunkNeeds
        let row: RegionalRow
        let instance: CatalogInstance
    }

    /// Checks a transfer's header against the address it was sent to and merges its version into the clock.
    func prepare(address: ChunkAddress, header: ReplicaHeader) throws(ReplicaError) -> Prepared {
        let manifest = try Self.manifest(header.manifest, address: address)
        let row = header.instanceRow
        guard row.key.kind == .instance, !row.isTombstone else {
            throw ReplicaError(.inconsistent, "the transfer's row is not a live instance row (\(row.key))")
        }
        let record: RegionalInstanceRecord
        do { record = try RegionalInstanceRecord.decode(row.payload) } catch {
            throw ReplicaError(.malformed, "the instance row's record: \(error)")
        }
        guard record.manifestAddress == address, record.sopInstanceUID == row.key.instanceUID,
            record.lengthBytes == Int64(manifest.length)
        else {
            throw ReplicaError(
                .inconsistent,
                "the row of \(row.key.instanceUID) names manifest \(record.manifestAddress) of \(record.lengthBytes) "
                    + "bytes, the transfer \(address) of \(manifest.length)")
        }
        // A version too far ahead of this node's clock is not merged into it (the HLC keeps a fast node from
        // dragging the region's clocks forward), but the copy is still taken: its rows keep the sender's versions,
        // anti-entropy would bring the same rows anyway, and refusing would leave a node whose clock is behind
        // unable to take any copy (the chaos runner's clock-skew scenario left outboxes stuck that way).
        _ = observe(row.version)
        var instance = record.catalogInstance
        instance.metadata = header.metadata
        return Prepared(address: address, manifest: manifest, needs: header.needs, row: row, instance: instance)
    }

    /// Stores `items` in one batch and catalogues those stored in the same commit; one outcome per item.
    private func storeAll(_ items: [(item: Prepared, body: any ByteSource)]) -> [Result<[RegionalRow], ReplicaError>] {
        var outcomes = [Result<[RegionalRow], ReplicaError>?](repeating: nil, count: items.count)
        var putIndices: [Int] = []
        var cataloguedIndices: [Int] = []
        var inserted: Result<[CatalogInsertOutcome]?, CatalogError> = .success(nil)
        let sharing = CatalogSharing(holder: holder, targets: [:], nowMilliseconds: nowMilliseconds())
        var committed: [Result<PutReceipt, StoreError>] = []
        do {
            committed = try store.withBatch { batch in
                for (index, entry) in items.enumerated() {
                    var body = entry.body
                    do {
                        try batch.put(replicaOf: entry.item.manifest, isSent: entry.item.needs.isNeeded, from: &body)
                        putIndices.append(index)
                    } catch {
                        outcomes[index] = .failure(Self.refusal(ObjectStore.storeErrorForReplica(error)))
                    }
                }
                guard !putIndices.isEmpty else { return [] }
                return try batch.commit { results, awaitDurable in
                    cataloguedIndices = zip(putIndices, results).compactMap { index, result in
                        (try? result.get()) != nil ? index : nil
                    }
                    let batch = cataloguedIndices.map { (items[$0].item.instance, items[$0].item.row.version) }
                    inserted = Result { () throws(CatalogError) in
                        try catalog.insert(batch, sharing: sharing, committingIf: awaitDurable)
                    }
                }
            }
        } catch {
            let refusal = Self.refusal(ObjectStore.storeErrorForReplica(error))
            return outcomes.map { $0 ?? .failure(refusal) }
        }
        for (index, result) in zip(putIndices, committed) {
            switch result {
            case .failure(let error): outcomes[index] = .failure(Self.refusal(error))
            case .success(let receipt) where receipt.address != items[index].item.address:
                outcomes[index] = .failure(
                    ReplicaError(
                        .inconsistent,
                        "the stored object's address \(receipt.address) is not \(items[index].item.address)"))
            case .success: break
            }
        }
        switch inserted {
        case .failure(let error):
            for index in cataloguedIndices where outcomes[index] == nil {
                outcomes[index] = .failure(ReplicaError(.inconsistent, "cataloguing failed: \(error)"))
            }
        case .success(.none):
            for index in cataloguedIndices where outcomes[index] == nil {
                outcomes[index] = .failure(
                    ReplicaError(.unavailable, "the store's commit failed; nothing was catalogued"))
            }
        case .success(.some(let catalogued)):
            for (index, outcome) in zip(cataloguedIndices, catalogued) where outcomes[index] == nil {
                let uid = items[index].item.row.key.instanceUID
                if case .conflict(let existing) = outcome {
                    try? store.delete(items[index].item.address)
                    outcomes[index] = .failure(
                        ReplicaError(
                            .inconsistent, "instance \(uid) is catalogued here with other bytes (manifest \(existing))")
                    )
                    continue
                }
                outcomes[index] = Result { () throws(ReplicaError) in try Self.holdingRows(catalog, of: uid, by: holder)
                }
            }
        }
        return outcomes.map { $0 ?? .failure(ReplicaError(.unavailable, "no outcome")) }
    }

    /// This node's holding row of `instanceUID`, as stored.
    static func holdingRows(_ catalog: Catalog, of instanceUID: String, by holder: NodeID) throws(ReplicaError)
        -> [RegionalRow]
    {
        let key = RegionalKey.holding(instanceUID, by: holder)
        do {
            let bucket = RegionalFingerprint.bucket(of: instanceUID, bucketCount: RegionalDigestTree.bucketCount)
            return try catalog.regionalRows(inBuckets: [bucket]).filter { $0.key == key }
        } catch {
            throw ReplicaError(.unavailable, "reading the holding row back failed: \(error)")
        }
    }

    /// The manifest in `bytes`, checked to be the one at `address`.
    static func manifest(_ bytes: [UInt8], address: ChunkAddress) throws(ReplicaError) -> Manifest {
        guard SHA256.hash(bytes) == address else {
            throw ReplicaError(.inconsistent, "the manifest sent is not the one at \(address)")
        }
        guard let manifest = Manifest.decode(bytes) else {
            throw ReplicaError(.malformed, "the manifest of \(bytes.count) bytes does not decode")
        }
        return manifest
    }

    /// The refusal for a store failure.
    static func refusal(_ error: StoreError) -> ReplicaError {
        switch error.code {
        case .corrupt: ReplicaError(.corrupt, error.description)
        case .diskFull: ReplicaError(.full, error.description)
        case .io: ReplicaError(.io, error.description)
        case .notFound, .unavailable, .configuration, .dataDirectory: ReplicaError(.unavailable, error.description)
        }
    }
}

extension ObjectStore {
    /// Any error a batch threw, as a StoreError.
    static func storeErrorForReplica(_ error: any Error) -> StoreError {
        (error as? StoreError) ?? StoreError(.io, "\(error)")
    }
}
