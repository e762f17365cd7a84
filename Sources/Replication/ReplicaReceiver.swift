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
    /// Merges a version received from the sender into this node's clock; false when it is too far ahead to accept.
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

    /// Takes the transfer in `body` for the instance at `address`; returns this node's holding row of it.
    public func receive(address: ChunkAddress, body: inout some ByteSource) throws(ReplicaError) -> [RegionalRow] {
        let header = try ReplicaHeader.read(from: &body)
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
        guard observe(row.version) else {
            throw ReplicaError(.inconsistent, "the row's version \(row.version) is too far ahead of this node's clock")
        }
        var instance = record.catalogInstance
        instance.metadata = header.metadata
        let sharing = CatalogSharing(holder: holder, targets: [:], nowMilliseconds: nowMilliseconds())
        var inserted: Result<[CatalogInsertOutcome]?, CatalogError> = .success(nil)
        let committed: Result<PutReceipt, StoreError>
        do {
            committed = try store.withBatch { batch in
                try batch.put(replicaOf: manifest, isSent: header.needs.isNeeded, from: &body)
                return try batch.commit { _, awaitDurable in
                    inserted = Result { () throws(CatalogError) in
                        try catalog.insert([(instance, row.version)], sharing: sharing, committingIf: awaitDurable)
                    }
                }[0]
            }
        } catch let error as ReplicaError {
            throw error
        } catch {
            throw Self.refusal(ObjectStore.storeErrorForReplica(error))
        }
        guard case .success(let receipt) = committed else {
            if case .failure(let error) = committed { throw Self.refusal(error) }
            throw ReplicaError(.unavailable, "the store gave no outcome")
        }
        guard receipt.address == address else {
            throw ReplicaError(.inconsistent, "the stored object's address \(receipt.address) is not \(address)")
        }
        switch inserted {
        case .failure(let error):
            throw ReplicaError(.inconsistent, "cataloguing \(row.key.instanceUID) failed: \(error)")
        case .success(.none):
            throw ReplicaError(.unavailable, "the store's commit failed; nothing was catalogued")
        case .success(.some(let outcomes)):
            if case .conflict(let existing) = outcomes.first {
                try? store.delete(address)
                throw ReplicaError(
                    .inconsistent,
                    "instance \(row.key.instanceUID) is catalogued here with other bytes (manifest \(existing))")
            }
        }
        return try Self.holdingRows(catalog, of: row.key.instanceUID, by: holder)
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
