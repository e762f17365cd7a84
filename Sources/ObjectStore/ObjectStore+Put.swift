// Storing an object: read → chunk (FastCDC) on the caller's thread; hash → deduplicate → code → append on an owned
// thread; then group commit, then the manifest. The object exists only once its manifest is committed.
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
    /// `progress` is called with the bytes consumed so far. On failure nothing of the object is visible.
    public func put(from source: inout some ByteSource, progress: ((Int64) -> Void)? = nil)
        throws(StoreError) -> PutReceipt
    {
        do {
            return try collectionLock.withReadLock {
                let writer = ChunkWriter(store: self)
                do {
                    return try putLocked(from: &source, writer: writer, progress: progress)
                } catch {
                    writer.discardUncommitted()
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "\(error)")
        }
    }

    private func putLocked(from source: inout some ByteSource, writer: ChunkWriter, progress: ((Int64) -> Void)?)
        throws -> PutReceipt
    {
        let failure = FirstError()
        let work = BoundedQueue<ChunkBuffer>(capacity: Self.buffersInFlight)
        let free = BoundedQueue<ChunkBuffer>(capacity: Self.buffersInFlight)
        for _ in 0..<Self.buffersInFlight { free.push(ChunkBuffer(capacity: configuration.chunking.chunkSizeMax)) }
        let consumer: OwnedThread? =
            isPipelined
            ? OwnedThread(name: "tessera-put") {
                while let buffer = work.pop() {
                    do {
                        try writer.store(buffer)
                    } catch {
                        failure.record(Self.storeError(error))
                        work.close()
                        free.close()
                    }
                    free.push(buffer)
                }
            } : nil
        defer {
            work.close()
            consumer?.join()
        }
        var chunker = Chunker(configuration: configuration.chunking)
        let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBytes, alignment: 64)
        defer { readBuffer.deallocate() }
        var consumed: Int64 = 0
        let emit = { (chunk: UnsafeRawBufferPointer) throws in
            guard let buffer = free.pop() else { throw failure.value ?? StoreError(.io, "put stopped") }
            buffer.fill(from: chunk)
            if self.isPipelined {
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
        work.close()
        consumer?.join()
        if let error = failure.value { throw error }
        return try writer.finish(length: UInt64(consumed))
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

/// The second stage of a put: hashes, deduplicates, codes and appends each chunk, then commits and writes the
/// manifest. Used by one thread at a time.
// SAFETY: `store` is Sendable; the mutable state is touched only by the stage thread, and `finish` runs after that
// thread has been joined.
final class ChunkWriter: @unchecked Sendable {
    let store: ObjectStore
    private var entries: [ManifestEntry] = []
    private var newChunkCount = 0
    private var isDegraded = false
    private var touched: [ObjectIdentifier: Volume] = [:]
    /// Records appended and not yet committed, per volume, so a failed put can take them back.
    private var uncommitted: [ObjectIdentifier: [RecordLocation]] = [:]
    private var seen: Set<ChunkAddress> = []
    private let shards: UnsafeMutableRawBufferPointer
    private let shardLengthMax: Int

    init(store: ObjectStore) {
        self.store = store
        let configuration = store.configuration
        shardLengthMax = ReedSolomon.shardLength(
            objectLength: configuration.chunking.chunkSizeMax,
            dataShardCount: configuration.dataShardCount)
        shards = .allocate(
            byteCount: shardLengthMax * (configuration.dataShardCount + configuration.parityShardCount),
            alignment: 64)
    }

    deinit { shards.deallocate() }

    /// Hashes and stores one chunk unless it is already stored.
    func store(_ buffer: ChunkBuffer) throws {
        let address = SHA256.hash(buffer.bytes)
        entries.append(ManifestEntry(address: address, length: UInt32(buffer.count)))
        guard seen.insert(address).inserted else { return }
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
    private func append(_ header: RecordHeader, payload: UnsafeRawBufferPointer, to volume: Volume) throws -> Bool {
        do {
            let location = try volume.append(header, payload: payload)
            touched[ObjectIdentifier(volume)] = volume
            uncommitted[ObjectIdentifier(volume), default: []].append(location)
            return true
        } catch  where error.isDiskFull {
            throw StoreError(.diskFull, "\(error)")
        } catch {
            return false
        }
    }

    /// Commits `volumes` at once, one owned thread each, so their fdatasyncs overlap (one drive each in
    /// production; one device queue kept busy on a test machine).
    static func commitConcurrently(_ volumes: [Volume]) throws {
        guard volumes.count > 1 else {
            try volumes.first?.commit()
            return
        }
        let failure = FirstError()
        let threads = volumes.map { volume in
            OwnedThread(name: "tessera-commit") {
                do {
                    try volume.commit()
                } catch {
                    failure.record(ObjectStore.storeError(error))
                }
            }
        }
        for thread in threads { thread.join() }
        if let error = failure.value { throw error }
    }

    /// Takes back what this put appended but did not commit, where nobody appended after it.
    func discardUncommitted() {
        for (key, locations) in uncommitted { _ = touched[key]?.discard(locations) }
        uncommitted = [:]
    }

    /// Commits the chunks, then writes and commits the manifest; returns the receipt.
    func finish(length: UInt64) throws -> PutReceipt {
        try Self.commitConcurrently(Array(touched.values))
        uncommitted = [:]
        let manifest = Manifest(length: length, entries: entries)
        let bytes = manifest.encoded()
        guard bytes.count <= Manifest.bytesMax else {
            throw StoreError(
                .io,
                "the object has \(entries.count) chunks; a manifest holds at most "
                    + "\(Manifest.bytesMax / Manifest.entryBytes)")
        }
        let address = SHA256.hash(bytes)
        let copies = store.configuration.parityShardCount + 1
        let stored = try store.locate(address).filter { $0.entry.header.kind == .manifest }.count
        if stored >= copies {
            // The same object was stored before: nothing more to write.
            return PutReceipt(
                address: address, length: length, chunkCount: entries.count,
                newChunkCount: newChunkCount, isDegraded: isDegraded)
        }
        var written: [Volume] = []
        for (copy, volume) in store.ranking(for: address).prefix(copies).enumerated() {
            let header = RecordHeader(
                kind: .manifest, key: address, shardIndex: UInt8(copy), dataShardCount: 1,
                parityShardCount: UInt8(copies - 1), objectLength: UInt32(bytes.count))
            if try bytes.withUnsafeBytes({ try append(header, payload: $0, to: volume) }) { written.append(volume) }
        }
        guard written.count >= min(copies, 2) else {
            throw StoreError(.unavailable, "only \(written.count) copies of the manifest could be written")
        }
        try Self.commitConcurrently(written)
        uncommitted = [:]
        if written.count < copies {
            isDegraded = true
            store.healQueue.withLock { _ = $0.insert(address) }
        }
        if isDegraded { try store.saveHealQueue() }
        return PutReceipt(
            address: address, length: length, chunkCount: entries.count, newChunkCount: newChunkCount,
            isDegraded: isDegraded)
    }
}
