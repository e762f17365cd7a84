// A group of puts made durable together: each put chunks, hashes, deduplicates, codes and appends its chunks
// without committing; `commit` then commits every touched volume once (fdatasync + index), and only after that
// appends and commits the manifests. An object exists only once its manifest is committed, and a manifest is
// appended only after the chunks it names are durable, so a crash at any point leaves no partial object.
import Chunking
import Coding
public import Primitives
import Synchronization
import Volumes

/// Objects stored together and made durable with one commit per volume. Made by `ObjectStore.withBatch`; used by
/// one thread at a time.
// SAFETY: the mutable state is touched by the thread using the batch and, during a put, by the one stage thread
// that `put` waits for before it touches the state again (the hand-over goes through BoundedQueue's lock).
public final class PutBatch: @unchecked Sendable {
    let store: ObjectStore
    /// A put whose chunks are appended, waiting for the commit.
    private struct StagedObject {
        let length: UInt64
        let chunkCount: Int
        let newChunkCount: Int
        let isDegraded: Bool
        let manifest: [UInt8]
    }

    private var staged: [StagedObject] = []
    /// Chunks this batch has stored or found stored, so a second part with the same chunks writes them once.
    private var seen: Set<ChunkAddress> = []
    /// Records appended and not yet known durable, by volume.
    private var appended: [ObjectIdentifier: (volume: Volume, tickets: [AppendTicket])] = [:]
    private var isCommitted = false
    // The put in progress.
    private var entries: [ManifestEntry] = []
    private var newChunkCount = 0
    private var isDegraded = false
    private var seenByPart: [ChunkAddress] = []
    private let shards: UnsafeMutableRawBufferPointer
    /// The buffers of the put pipeline, reused by every put of the batch (no page faults on fresh memory per put).
    let chunkBuffers: [ChunkBuffer]
    /// Where each put reads its source into.
    let readBuffer: UnsafeMutableRawBufferPointer

    init(store: ObjectStore) {
        self.store = store
        let configuration = store.configuration
        chunkBuffers = (0..<ObjectStore.buffersInFlight).map { _ in
            ChunkBuffer(capacity: configuration.chunking.chunkSizeMax)
        }
        readBuffer = .allocate(byteCount: ObjectStore.readBytes, alignment: 64)
        let shardLengthMax = ReedSolomon.shardLength(
            objectLength: configuration.chunking.chunkSizeMax,
            dataShardCount: configuration.dataShardCount)
        shards = .allocate(
            byteCount: shardLengthMax * (configuration.dataShardCount + configuration.parityShardCount),
            alignment: 64)
    }

    deinit {
        shards.deallocate()
        readBuffer.deallocate()
    }

    /// Objects put so far and not yet committed.
    public var count: Int { staged.count }

    /// Stores everything `source` yields as the batch's next object, durable and visible only after `commit`.
    ///
    /// On failure the object's records are taken back and the batch goes on without it: the objects put before
    /// and after it still commit.
    public func put(from source: inout some ByteSource, progress: ((Int64) -> Void)? = nil) throws(StoreError) {
        precondition(!isCommitted, "put into a committed batch")
        entries = []
        newChunkCount = 0
        isDegraded = false
        seenByPart = []
        let mark = appended.mapValues(\.tickets.count)
        do {
            let length = try store.stream(from: &source, into: self, progress: progress)
            let manifest = Manifest(length: length, entries: entries).encoded()
            guard manifest.count <= Manifest.bytesMax else {
                throw StoreError(
                    .io,
                    "the object has \(entries.count) chunks; a manifest holds at most "
                        + "\(Manifest.bytesMax / Manifest.entryBytes)")
            }
            staged.append(
                StagedObject(
                    length: length, chunkCount: entries.count, newChunkCount: newChunkCount,
                    isDegraded: isDegraded, manifest: manifest))
        } catch {
            seen.subtract(seenByPart)
            for (key, value) in appended {
                let kept = mark[key] ?? 0
                guard kept < value.tickets.count else { continue }
                _ = value.volume.discard(Array(value.tickets[kept...]))
                appended[key]?.tickets.removeSubrange(kept...)
            }
            throw ObjectStore.storeError(error)
        }
    }

    /// Makes every object put so far durable and returns their receipts, in put order: commits each touched
    /// volume once, then appends the manifests and commits their volumes once. On failure none of the batch's
    /// objects is visible (manifests are written only after every chunk is durable) and what was not made
    /// durable is taken back.
    public func commit() throws(StoreError) -> [PutReceipt] {
        precondition(!isCommitted, "a batch commits once")
        isCommitted = true
        try commitAppended()
        let configuration = store.configuration
        let copies = configuration.parityShardCount + 1
        var receipts: [PutReceipt] = []
        var written: Set<ChunkAddress> = []
        var anyDegraded = false
        for object in staged {
            let address = SHA256.hash(object.manifest)
            var isDegraded = object.isDegraded
            let stored =
                written.contains(address)
                ? copies : try store.locate(address).filter { $0.entry.header.kind == .manifest }.count
            if stored < copies {
                var count = 0
                for (copy, volume) in store.ranking(for: address).prefix(copies).enumerated() {
                    let header = RecordHeader(
                        kind: .manifest, key: address, shardIndex: UInt8(copy), dataShardCount: 1,
                        parityShardCount: UInt8(copies - 1), objectLength: UInt32(object.manifest.count))
                    let isWritten = object.manifest.withUnsafeBytes { payload in
                        Result { () throws(StoreError) in try append(header, payload: payload, to: volume) }
                    }
                    if try isWritten.get() { count += 1 }
                }
                guard count >= min(copies, 2) else {
                    throw StoreError(.unavailable, "only \(count) copies of the manifest could be written")
                }
                written.insert(address)
                if count < copies {
                    isDegraded = true
                    store.healQueue.withLock { _ = $0.insert(address) }
                }
            }
            anyDegraded = anyDegraded || isDegraded
            receipts.append(
                PutReceipt(
                    address: address, length: object.length, chunkCount: object.chunkCount,
                    newChunkCount: object.newChunkCount, isDegraded: isDegraded))
        }
        try commitAppended()
        if anyDegraded { try store.saveHealQueue() }
        return receipts
    }

    /// Commits every volume with records of this batch, once each and at once; forgets the records of the
    /// volumes that committed. Throws the first failure, including a failed commit by another writer that took
    /// this batch's records with it (the volume reports it: Volume.commit).
    private func commitAppended() throws(StoreError) {
        let pending = appended.values.filter { !$0.tickets.isEmpty }
        let failures = store.commitAll(pending)
        for (volume, _) in pending where !failures.contains(where: { $0.volume === volume }) {
            appended[ObjectIdentifier(volume)] = nil
        }
        if let failure = failures.first { throw failure.error }
    }

    /// Takes back whatever the batch appended and did not commit. Called by `withBatch` when its body returns.
    func abandon() {
        for value in appended.values where !value.tickets.isEmpty { _ = value.volume.discard(value.tickets) }
        appended = [:]
        staged = []
    }

    // MARK: - The stage: hash, deduplicate, code, append

    /// Hashes and stores one chunk unless this batch or the store already holds it.
    func store(_ buffer: ChunkBuffer) throws {
        let address = SHA256.hash(buffer.bytes)
        entries.append(ManifestEntry(address: address, length: UInt32(buffer.count)))
        guard seen.insert(address).inserted else { return }
        seenByPart.append(address)
        let present = Set(
            try store.locate(address).filter { $0.entry.header.kind != .manifest }.map {
                $0.entry.header.shardIndex
            })
        let configuration = store.configuration
        let isSmall = buffer.count < configuration.smallObjectBytesMax
        let wanted =
            isSmall
            ? configuration.parityShardCount + 1
            : configuration.dataShardCount
                + configuration.parityShardCount
        if present.count >= (isSmall ? 1 : configuration.dataShardCount) {
            if present.count < wanted { store.healQueue.withLock { _ = $0.insert(address) } }
            return
        }
        newChunkCount += 1
        let written = isSmall ? try writeCopies(buffer, address: address) : try writeShards(buffer, address: address)
        let required = min(wanted, (isSmall ? 1 : configuration.dataShardCount) + 1)
        guard written >= required else {
            throw StoreError(
                .unavailable,
                "only \(written) of \(wanted) shards of a chunk could be written (at least \(required) are needed): "
                    + "too many volumes are unavailable")
        }
        if written < wanted {
            isDegraded = true
            store.healQueue.withLock { _ = $0.insert(address) }
        }
    }

    private func writeCopies(_ buffer: ChunkBuffer, address: ChunkAddress) throws -> Int {
        let configuration = store.configuration
        var written = 0
        for (copy, volume) in store.ranking(for: address).prefix(configuration.parityShardCount + 1).enumerated() {
            let header = RecordHeader(
                kind: .copy, key: address, shardIndex: UInt8(copy), dataShardCount: 1,
                parityShardCount: UInt8(configuration.parityShardCount), objectLength: UInt32(buffer.count))
            if try append(header, payload: buffer.bytes, to: volume) { written += 1 }
        }
        return written
    }

    private func writeShards(_ buffer: ChunkBuffer, address: ChunkAddress) throws -> Int {
        let k = store.configuration.dataShardCount
        let m = store.configuration.parityShardCount
        let length = ReedSolomon.shardLength(objectLength: buffer.count, dataShardCount: k)
        let area = UnsafeMutableRawBufferPointer(rebasing: shards[..<(length * (k + m))])
        area.copyMemory(from: buffer.bytes)
        area[buffer.count..<(length * k)].initializeMemory(as: UInt8.self, repeating: 0)
        let pieces = (0..<(k + m)).map {
            UnsafeMutableRawBufferPointer(rebasing: area[($0 * length)..<(($0 + 1) * length)])
        }
        store.code.encode(data: pieces[..<k].map { UnsafeRawBufferPointer($0) }, parity: Array(pieces[k...]))
        var written = 0
        for (index, volume) in store.ranking(for: address).prefix(k + m).enumerated() {
            let header = RecordHeader(
                kind: .shard, key: address, shardIndex: UInt8(index), dataShardCount: UInt8(k),
                parityShardCount: UInt8(m), objectLength: UInt32(buffer.count))
            if try append(header, payload: UnsafeRawBufferPointer(pieces[index]), to: volume) { written += 1 }
        }
        return written
    }

    /// Appends a record; false (the shard is missing, to be healed) when the volume fails, except a full disk,
    /// which fails the put.
    private func append(_ header: RecordHeader, payload: UnsafeRawBufferPointer, to volume: Volume)
        throws(StoreError) -> Bool
    {
        do {
            let ticket = try volume.append(header, payload: payload)
            appended[ObjectIdentifier(volume), default: (volume, [])].tickets.append(ticket)
            return true
        } catch  where error.isDiskFull {
            throw StoreError(.diskFull, "\(error)")
        } catch {
            return false
        }
    }
}
