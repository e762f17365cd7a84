// A group of puts made durable together: each put is read, chunked and hashed on the caller's thread while one stage
// job on the store's executor, kept for the whole batch, deduplicates, codes and appends the chunks without committing
// (so the stage of one put overlaps the reading of the next); `commit` then joins the stage, appends the manifests and
// commits every touched volume once, all at once (one fdatasync round, then the index), chunks and manifests together.
// An object exists only once its manifest is committed. A manifest may so become durable before a chunk it names on
// another volume, so it is appended provisional and settled only once every volume committed: after a crash the store
// checks the unsettled ones when it opens (ObjectStore+Unsettled.swift) and deletes those whose chunks did not survive,
// which no client was told were stored. The stage's work is in PutBatch+Stage.swift.
import Chunking
import Coding
public import Primitives
import Synchronization
import Volumes

/// Objects stored together and made durable with one commit per volume. Made by `ObjectStore.withBatch`; used by
/// one thread at a time.
// "Reader" state belongs to the thread using the batch. "Stage" state belongs to the stage job while it runs,
// and to the thread using the batch after joining it (commit, abandon) or during an abort's wait. Inline (an inline
// executor, or a pooled one with no thread free), both sides are the thread using the batch.
// SAFETY: every hand-over goes through the executor's queues (BoundedQueue's lock), and the join through its
// ExecutorRun, ordering one side's writes before the other's reads.
public final class PutBatch: @unchecked Sendable {
    let store: ObjectStore

    /// A put whose chunks are appended, waiting for the commit.
    struct StagedObject {
        let length: UInt64
        let chunkCount: Int
        let newChunkCount: Int
        let isDegraded: Bool
        let manifest: [UInt8]
        /// The manifest's address, and the copies of it the store held when the put ended: found by the stage,
        /// so the commit only appends what is missing.
        let address: ChunkAddress
        let storedCopyCount: Int
    }

    /// What the reader hands the stage, in order.
    enum StageItem: Sendable {
        /// The next chunk of the current put; the stage gives the buffer back through `free`.
        case chunk(ChunkBuffer)
        /// The next chunk of the current put is one the store should already hold (a replica put, whose sender
        /// was told so): the stage checks that it still does.
        case held(ManifestEntry)
        /// The current put ended after `length` bytes: stage its manifest.
        case end(length: UInt64)
        /// The current put failed while reading: take back its records, then push to `done` when there is one.
        case abort(done: (any HandOverQueue<Bool>)?)
    }

    /// The stage job's queues and run; nil until the first put, and when the stage runs inline.
    struct Pipeline {
        let work: any HandOverQueue<StageItem>
        let free: any HandOverQueue<ChunkBuffer>
        let stage: ExecutorRun<Void>
    }

    // MARK: Reader state

    var pipeline: Pipeline?
    var isStageStarted = false
    var isCommitted = false
    var putCount = 0

    // MARK: Stage state

    /// Every put that ended, in put order: staged, or failed in the stage (its records taken back).
    var staged: [Result<StagedObject, StoreError>] = []
    /// Chunks this batch has stored or found stored, so a second part with the same chunks writes them once.
    var seen: Set<ChunkAddress> = []
    /// Records appended and not yet known durable, by volume.
    var appended: [ObjectIdentifier: (volume: Volume, tickets: [AppendTicket])] = [:]
    /// The put the stage is working on.
    var current = PutProgress()

    /// What the stage has done for the put in progress, and where the batch stood when it began.
    struct PutProgress {
        var entries: [ManifestEntry] = []
        var newChunkCount = 0
        var isDegraded = false
        var seenByPut: [ChunkAddress] = []
        /// Appended records per volume when the put began; what lies past them is the put's own.
        var mark: [ObjectIdentifier: Int] = [:]
        /// Set when the stage failed the put; its later chunks are skipped.
        var failure: StoreError?
    }

    /// Scratch for the parity shards of one chunk.
    let parity: UnsafeMutableRawBufferPointer
    /// The buffers of the put pipeline, reused by every put of the batch (no page faults on fresh memory per put).
    /// The source is read straight into them, and each holds a max chunk padded to whole data shards, so a chunk
    /// is cut and coded in place.
    let chunkBuffers: [ChunkBuffer]

    init(store: ObjectStore) {
        self.store = store
        let configuration = store.configuration
        let shardLengthMax = ReedSolomon.shardLength(
            objectLength: configuration.chunking.chunkSizeMax, dataShardCount: configuration.dataShardCount)
        chunkBuffers = (0..<ObjectStore.buffersInFlight).map { _ in
            ChunkBuffer(capacity: shardLengthMax * configuration.dataShardCount)
        }
        parity = .allocate(byteCount: shardLengthMax * max(1, configuration.parityShardCount), alignment: 64)
    }

    deinit { parity.deallocate() }

    /// Objects put so far and not yet committed.
    public var count: Int { putCount }

    /// Stores everything `source` yields as the batch's next object, durable and visible only after `commit`.
    ///
    /// Returns once the object is read and chunked; its chunks may still be on their way to the volumes. A
    /// failure reading the source throws here, after the object's records are taken back; a failure storing
    /// them (a full disk, too few volumes) is reported for this object by `commit`. Either way the objects put
    /// before and after it still commit.
    public func put(from source: inout some ByteSource, progress: ((Int64) -> Void)? = nil) throws(StoreError) {
        precondition(!isCommitted, "put into a committed batch")
        startStage()
        do {
            let length = try stream(from: &source, progress: progress)
            hand(.end(length: length))
            putCount += 1
        } catch {
            abortPut()
            throw ObjectStore.storeError(error)
        }
    }

    /// Makes every object put so far durable and returns one outcome per object, in put order: appends the
    /// manifests and commits every touched volume once, all at once. An object the stage failed is a failure here,
    /// and the others go on. When the commit itself fails, none of the batch's objects may be relied on: what
    /// other volumes committed stays unsettled, for the store to check when it next opens.
    public func commit() throws(StoreError) -> [Result<PutReceipt, StoreError>] {
        try commit { _, _ in }
    }

    /// Commits like `commit()`, and runs `alongside` on the calling thread while the volumes commit, with the
    /// outcomes the objects will have if the commit succeeds and a function that waits for the commit and says
    /// whether it did (every success then durable). A caller catalogues the objects there, in a transaction it
    /// commits only once they are durable, so the two waits overlap.
    public func commit(
        alongside: (_ outcomes: [Result<PutReceipt, StoreError>], _ awaitDurable: () -> Bool) -> Void
    ) throws(StoreError) -> [Result<PutReceipt, StoreError>] {
        precondition(!isCommitted, "a batch commits once")
        isCommitted = true
        joinStage()
        let configuration = store.configuration
        let copies = configuration.parityShardCount + 1
        var outcomes: [Result<PutReceipt, StoreError>] = []
        var written: Set<ChunkAddress> = []
        var anyDegraded = false
        for result in staged {
            guard case .success(let object) = result else {
                if case .failure(let error) = result { outcomes.append(.failure(error)) }
                continue
            }
            let address = object.address
            var isDegraded = object.isDegraded
            if !written.contains(address) && object.storedCopyCount < copies {
                isDegraded = try writeManifest(object.manifest, address: address, copies: copies) || isDegraded
            }
            written.insert(address)
            anyDegraded = anyDegraded || isDegraded
            outcomes.append(
                .success(
                    PutReceipt(
                        address: address, length: object.length, chunkCount: object.chunkCount,
                        newChunkCount: object.newChunkCount, isDegraded: isDegraded)))
        }
        if anyDegraded { try store.saveHealQueue() }
        let pending = appended.values.filter { !$0.tickets.isEmpty }
        let round = store.startCommits(pending)
        alongside(outcomes) { round.failures().isEmpty }
        let failures = round.failures()
        for (volume, _) in pending where !failures.contains(where: { $0.volume === volume }) {
            appended[ObjectIdentifier(volume)] = nil
        }
        if let failure = failures.first {
            // Volumes that committed made these manifests visible, and a failed commit (this one, or another
            // writer's that took the batch's chunks) may have lost chunks they name: an object left short of
            // chunks goes at once, as it would at the next open. The others stay unsettled until then.
            _ = try? store.deleteIncomplete(Array(written))
            throw failure.error
        }
        // Only the manifests among the batch's records are provisional; settle ignores the others.
        for (volume, tickets) in pending { volume.settle(tickets) }
        return outcomes
    }

    /// Appends the copies of a manifest the store does not hold enough of; returns whether some copy is missing
    /// (queued to heal). Throws when fewer than two copies (or all, if fewer are wanted) could be written.
    private func writeManifest(_ manifest: [UInt8], address: ChunkAddress, copies: Int) throws(StoreError) -> Bool {
        var count = 0
        for (copy, volume) in store.ranking(for: address).prefix(copies).enumerated() {
            let header = RecordHeader(
                kind: .manifest, key: address, shardIndex: UInt8(copy), dataShardCount: 1,
                parityShardCount: UInt8(copies - 1), objectLength: UInt32(manifest.count))
            let isWritten = manifest.withUnsafeBytes { payload in
                Result { () throws(StoreError) in
                    try append(header, payload: payload, to: volume, isProvisional: true)
                }
            }
            if try isWritten.get() { count += 1 }
        }
        guard count >= min(copies, 2) else {
            throw StoreError(.unavailable, "only \(count) copies of the manifest could be written")
        }
        guard count < copies else { return false }
        store.healQueue.withLock { _ = $0.insert(address) }
        return true
    }

    /// Takes back whatever the batch appended and did not commit. Called by `withBatch` when its body returns.
    func abandon() {
        joinStage()
        for value in appended.values where !value.tickets.isEmpty { _ = value.volume.discard(value.tickets) }
        appended = [:]
        staged = []
    }
}
