// The reader side of a batch: the stage job's queues, and the read of each put's source straight into chunk
// buffers, cut in place (FastCDC), hashed (SHA-256) and handed to the stage whole, so a chunk is copied once, from
// the source. Hashing here rather than on the stage balances the two threads: the stage, which also codes and
// appends, was the one a request waited for. Runs on the thread using the batch (PutBatch.swift); the stage is
// PutBatch+Stage.swift.
import Chunking
import Coding
import Primitives

extension PutBatch {
    // MARK: - The reader side

    /// Starts the batch's stage job on the store's executor at the first put; the stage runs inline when the
    /// executor runs nothing alongside the caller (the inline executor, or a pooled one with every thread taken).
    func startStage() {
        guard !isStageStarted else { return }
        isStageStarted = true
        let work: any HandOverQueue<StageItem> = store.executor.makeQueue(capacity: ObjectStore.buffersInFlight + 2)
        let free: any HandOverQueue<ChunkBuffer> = store.executor.makeQueue(capacity: ObjectStore.buffersInFlight)
        let stage: @Sendable () -> Void = { [self] in
            while let item = work.pop() {
                handle(item)
                if case .chunk(let buffer) = item { free.push(buffer) }
            }
        }
        guard let run = store.executor.startAlongside([stage]) else { return }
        for buffer in chunkBuffers { free.push(buffer) }
        pipeline = Pipeline(work: work, free: free, stage: run)
    }

    /// Lets the stage finish what it was handed and waits for it; afterwards the stage state is the caller's.
    func joinStage() {
        guard let pipeline else { return }
        pipeline.work.close()
        pipeline.stage.join()
        self.pipeline = nil
    }

    /// Hands `item` to the stage job, or runs it here when the stage is inline.
    func hand(_ item: StageItem) {
        guard let pipeline else { return handle(item) }
        let isHanded = pipeline.work.push(item)
        precondition(isHanded, "the stage's queue closes only when the batch joins it")
    }

    /// A buffer for the next chunk other than `held`: one the stage gave back, or, inline, where the stage is
    /// always done with every buffer it was handed, the first one that is not `held`.
    func nextBuffer(besides held: ChunkBuffer?) -> ChunkBuffer {
        guard let pipeline else { return chunkBuffers.first { $0 !== held }! }
        guard let buffer = pipeline.free.pop() else { preconditionFailure("the free queue is never closed") }
        return buffer
    }

    /// Gives back a buffer that holds no chunk for the stage.
    func giveBack(_ buffer: ChunkBuffer) {
        pipeline?.free.push(buffer)
    }

    /// Tells the stage the current put failed and waits until it has taken back the put's records.
    func abortPut() {
        guard pipeline != nil else { return handle(.abort(done: nil)) }
        let done: any HandOverQueue<Bool> = store.executor.makeQueue(capacity: 1)
        hand(.abort(done: done))
        _ = done.pop()
    }

    /// Bytes read from the source per call at most: what follows a cut is copied to the next chunk's buffer, so
    /// this bounds that copy.
    static let readBytesMax = 256 << 10

    /// Reads `source` straight into chunk buffers, cuts each where FastCDC says (the same cuts as `Chunker`, however
    /// the source splits its reads), and hands every chunk to the stage; returns the length.
    func stream(from source: inout some ByteSource, progress: ((Int64) -> Void)?) throws -> UInt64 {
        let configuration = store.configuration.chunking
        var buffer = nextBuffer(besides: nil)
        var isHandedOver = false
        defer { if !isHandedOver { giveBack(buffer) } }
        var filled = 0
        var scanned = 0
        var hash: UInt64 = 0
        var consumed: Int64 = 0
        while true {
            while scanned < filled {
                let cut = gearTable.withUnsafeBufferPointer { gear in
                    findCutPoint(
                        buffer.storage.baseAddress!.assumingMemoryBound(to: UInt8.self) + scanned,
                        count: filled - scanned, chunkOffset: scanned, hash: &hash, gear: gear.baseAddress!,
                        configuration: configuration)
                }
                guard cut >= 0 else {
                    scanned = filled
                    break
                }
                // The chunk ends at `end`; what was read past it starts the next one.
                let end = scanned + cut
                let next = nextBuffer(besides: buffer)
                next.storage.baseAddress!.copyMemory(from: buffer.storage.baseAddress! + end, byteCount: filled - end)
                buffer.count = end
                buffer.address = SHA256.hash(buffer.bytes)
                hand(.chunk(buffer))
                buffer = next
                filled -= end
                scanned = 0
            }
            // A chunk at the maximum size always cuts, so there is room to read into.
            let room = min(configuration.chunkSizeMax - filled, Self.readBytesMax)
            precondition(room > 0, "a chunk outgrew chunkSizeMax")
            let count: Int
            do {
                count = try source.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer.storage[filled..<(filled + room)]))
            } catch {
                throw StoreError(.io, "reading the object to store failed: \(error)")
            }
            if count == 0 { break }
            filled += count
            consumed += Int64(count)
            progress?(consumed)
        }
        if filled > 0 {
            buffer.count = filled
            buffer.address = SHA256.hash(buffer.bytes)
            isHandedOver = true
            hand(.chunk(buffer))
        }
        return UInt64(consumed)
    }
}
