// Storing objects: read → chunk (FastCDC) on the caller's thread; hash → deduplicate → code → append on a stage
// thread of the store's pool (PutBatch.store); then the batch's group commit, then the manifests (PutBatch.commit).
// An object exists only once its manifest is committed. A single put is a batch of one.
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
    /// Pipeline depth: chunk buffers in flight between the two stages.
    static let buffersInFlight = 4
    /// Bytes read from the source per call.
    static let readBytes = 1 << 20

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
                return try batch.commit()[0]
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
        try collectionLock.withReadLock {
            let batch = PutBatch(store: self)
            defer { batch.abandon() }
            return try body(batch)
        }
    }

    /// Chunks `source` on the calling thread and hands them to `writer` on a stage thread; returns the length.
    func stream(from source: inout some ByteSource, into writer: PutBatch, progress: ((Int64) -> Void)?)
        throws -> UInt64
    {
        let failure = FirstError()
        let work = BoundedQueue<ChunkBuffer>(capacity: Self.buffersInFlight)
        let free = BoundedQueue<ChunkBuffer>(capacity: Self.buffersInFlight)
        for buffer in writer.chunkBuffers { free.push(buffer) }
        let stageDone = BoundedQueue<Bool>(capacity: 1)
        let stage: @Sendable () -> Void = {
            while let buffer = work.pop() {
                guard failure.value == nil else { continue }
                do {
                    try writer.store(buffer)
                } catch {
                    failure.record(Self.storeError(error))
                    work.close()
                    free.close()
                }
                free.push(buffer)
            }
            stageDone.push(true)
        }
        // Inline when the store is closing and its stage threads are gone.
        let isPipelined = self.isPipelined && stagePool.start(stage)
        var isStageJoined = !isPipelined
        let joinStage = {
            work.close()
            if !isStageJoined {
                _ = stageDone.pop()
                isStageJoined = true
            }
        }
        defer { joinStage() }
        var chunker = Chunker(configuration: configuration.chunking)
        let readBuffer = writer.readBuffer
        var consumed: Int64 = 0
        let emit = { (chunk: UnsafeRawBufferPointer) throws in
            guard let buffer = free.pop() else { throw failure.value ?? StoreError(.io, "put stopped") }
            buffer.fill(from: chunk)
            if isPipelined {
                guard work.push(buffer) else { throw failure.value ?? StoreError(.io, "put stopped") }
            } else {
                try writer.store(buffer)
                free.push(buffer)
            }
        }
        while true {
            let count: Int
            do {
                count = try source.read(into: readBuffer)
            } catch {
                throw StoreError(.io, "reading the object to store failed: \(error)")
            }
            if count == 0 { break }
            try chunker.feed(UnsafeRawBufferPointer(rebasing: readBuffer[..<count]), emit: emit)
            consumed += Int64(count)
            progress?(consumed)
        }
        try chunker.finish(emit: emit)
        joinStage()
        if let error = failure.value { throw error }
        return UInt64(consumed)
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
