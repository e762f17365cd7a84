// Storing objects: read → chunk (FastCDC) → hash on the caller's thread; deduplicate → code → append on the
// batch's stage job on the store's executor (PutBatch+Stage.swift); then the manifests and the batch's group
// commit (PutBatch.commit). An object exists only once its manifest is committed. A single put is a batch of one.
import Chunking
import Coding
public import Primitives
import Synchronization
import Volumes

/// What a put stored.
public struct PutReceipt: Sendable {
    /// The object's address: the SHA-256 of its manifest.
    public let address: ChunkAddress
    /// The object's length in bytes.
    public let length: UInt64
    /// Chunks in the object.
    public let chunkCount: Int
    /// Chunks that were not stored before (the rest were deduplicated).
    public let newChunkCount: Int
    /// Whether some shards could not be written; they are queued for healing.
    public let isDegraded: Bool
}

extension ObjectStore {
    /// Pipeline depth: chunk buffers in flight between the reader and the stage.
    static let buffersInFlight = 4

    /// Stores everything `source` yields as one object and returns its address once it is durable.
    ///
    /// `progress` is called with the bytes consumed so far. On failure nothing of the object is visible. A batch
    /// of one: see `withBatch` to store several objects with one commit.
    public func put(from source: inout some ByteSource, progress: ((Int64) -> Void)? = nil)
        throws(StoreError) -> PutReceipt
    {
        do {
            return try withBatch { batch in
                try batch.put(from: &source, progress: progress)
                return try batch.commit()[0].get()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "\(error)")
        }
    }

    /// Runs `body` with a new batch: objects put into it become durable together, with one commit per volume,
    /// when `body` calls `commit`. Whatever `body` leaves uncommitted (it throws, or never commits) is taken back.
    /// Garbage collection waits until `body` returns, so chunks the batch deduplicated against stay.
    public func withBatch<Result>(_ body: (PutBatch) throws -> Result) throws -> Result {
        try collectionLock.withShared {
            let batch = PutBatch(store: self)
            defer { batch.abandon() }
            return try body(batch)
        }
    }

    /// Maps errors from the layers below to a StoreError.
    static func storeError(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as VolumeError where error.isDiskFull: StoreError(.diskFull, "\(error)")
        default: StoreError(.io, "\(error)")
        }
    }
}
