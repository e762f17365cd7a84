// Reading an object back: the manifest from any good copy, then each chunk from its data shards (decoding from
// parity only when a data shard is missing or damaged), its SHA-256 checked before a byte reaches the sink. Both
// come from the read cache instead when it holds them (they were checked before they were kept).
import Chunking
import Coding
public import Primitives
import Synchronization
import Volumes

extension ObjectStore {
    /// Reads the object at `address` into `sink`, verified chunk by chunk; returns its length.
    ///
    /// `progress` is called with the bytes written so far. A chunk that cannot be rebuilt fails the read before
    /// any of its bytes are written.
    @discardableResult
    public func get(_ address: ChunkAddress, into sink: inout some ByteSink, progress: ((Int64) -> Void)? = nil)
        throws(StoreError) -> UInt64
    {
        try get(manifest(address), of: address, into: &sink, progress: progress)
    }

    /// Reads the object `manifest` describes (the manifest of `address`, already read) into `sink`, verified chunk
    /// by chunk; returns its length. For callers that needed the manifest first, so it is not read twice.
    @discardableResult
    func get(
        _ manifest: Manifest, of address: ChunkAddress, into sink: inout some ByteSink,
        progress: ((Int64) -> Void)? = nil
    ) throws(StoreError) -> UInt64 {
        var written: Int64 = 0
        func deliver(_ buffer: ChunkBuffer) throws(StoreError) {
            do {
                try sink.write(buffer.bytes)
            } catch {
                throw StoreError(.io, "writing the object out failed: \(error)")
            }
            written += Int64(buffer.count)
            progress?(written)
        }
        // A read-ahead job pays off only when it can read one chunk while the caller delivers another; for a
        // single-chunk object (most DICOM instances) handing it over would cost more than the read.
        var isReadAhead = false
        if manifest.entries.count > 1 { isReadAhead = try getPipelined(manifest, deliver: deliver) }
        if !isReadAhead {
            let buffer = ChunkBuffer(capacity: 0)
            for entry in manifest.entries {
                try readChunk(entry, into: buffer)
                try deliver(buffer)
            }
        }
        guard written == Int64(manifest.length) else {
            throw StoreError(.io, "object \(address) stopped after \(written) of \(manifest.length) bytes")
        }
        return manifest.length
    }

    /// Reads chunks in a job alongside the caller, a few ahead of `deliver`, which runs on the caller's thread;
    /// false, having read nothing, when the executor runs nothing alongside the caller (the caller reads in line).
    private func getPipelined(_ manifest: Manifest, deliver: (ChunkBuffer) throws(StoreError) -> Void)
        throws(StoreError) -> Bool
    {
        let failure = FirstError()
        let ready: any HandOverQueue<ChunkBuffer> = executor.makeQueue(capacity: Self.buffersInFlight)
        let free: any HandOverQueue<ChunkBuffer> = executor.makeQueue(capacity: Self.buffersInFlight)
        let entries = manifest.entries
        let reader: @Sendable () -> Void = {
            for entry in entries {
                guard let buffer = free.pop() else { return }
                do {
                    try self.readChunk(entry, into: buffer)
                } catch {
                    failure.record(Self.storeError(error))
                    break
                }
                guard ready.push(buffer) else { return }
            }
            ready.close()
        }
        guard let run = executor.startAlongside([reader]) else { return false }
        defer {
            free.close()
            ready.close()
            run.join()
        }
        // Buffers grow to the chunks they carry (readChunk reserves), so small chunks hold little memory.
        for _ in 0..<Self.buffersInFlight { free.push(ChunkBuffer(capacity: 0)) }
        while let buffer = ready.pop() {
            try deliver(buffer)
            free.push(buffer)
        }
        if let error = failure.value { throw error }
        return true
    }

    /// The manifest of the object at `address`, from the first copy that is intact.
    public func manifest(_ address: ChunkAddress) throws(StoreError) -> Manifest {
        if let held = readCache?.manifest(address) { return held }
        let deletionsBefore = readCache?.deletionCount ?? 0
        let manifest = try manifestFromVolumes(address)
        readCache?.keepManifest(manifest, address: address, deletionsBefore: deletionsBefore)
        return manifest
    }

    /// The manifest of the object at `address`, read from the first copy on the volumes that is intact.
    private func manifestFromVolumes(_ address: ChunkAddress) throws(StoreError) -> Manifest {
        let copies = try locate(address).filter { $0.entry.header.kind == .manifest }
        guard !copies.isEmpty else { throw StoreError(.notFound, "no object with address \(address)") }
        for (volume, entry) in copies {
            guard let bytes = try? volume.read(entry), SHA256.hash(bytes) == address,
                let manifest = Manifest.decode(bytes)
            else {
                healQueue.withLock { _ = $0.insert(address) }
                continue
            }
            return manifest
        }
        throw StoreError(.corrupt, "every copy of the manifest of \(address) is damaged")
    }

    /// Reads one chunk into `buffer`, from the read cache or else from the volumes (rebuilding from parity if
    /// needed), its SHA-256 checked before it was cached or before this returns.
    /// `located` may hold its records, looked up moments ago by the thread asking the drives ahead.
    func readChunk(_ entry: ManifestEntry, into buffer: ChunkBuffer, located: LocatedRecords? = nil)
        throws(StoreError)
    {
        if readCache?.copyChunk(entry.address, length: Int(entry.length), into: buffer) == true { return }
        try readChunkAfterMiss(entry, into: buffer, located: located)
    }

    /// Reads a chunk the read cache does not hold (or a store without one) from the volumes, and offers it to the
    /// cache once its SHA-256 is checked.
    func readChunkAfterMiss(_ entry: ManifestEntry, into buffer: ChunkBuffer, located: LocatedRecords? = nil)
        throws(StoreError)
    {
        try readChunkFromVolumes(entry, into: buffer, located: located)
        readCache?.keepChunk(buffer.bytes, address: entry.address)
    }

    /// Reads one chunk from the volumes into `buffer`, rebuilding from parity if needed, and checks its SHA-256.
    /// `located` may hold its records, looked up a moment ago; should they fail (moved since by a compaction), the
    /// chunk is looked up again and read from what the indexes say now.
    private func readChunkFromVolumes(_ entry: ManifestEntry, into buffer: ChunkBuffer, located: LocatedRecords?)
        throws(StoreError)
    {
        if let ahead = located?.take(entry.address), !ahead.isEmpty,
            (try? readChunk(entry, from: ahead, into: buffer)) != nil
        {
            return
        }
        try readChunk(entry, from: locate(entry.address), into: buffer)
    }

    /// Reads one chunk into `buffer` from the records `found` for it, rebuilding from parity if needed, and checks
    /// its SHA-256.
    private func readChunk(
        _ entry: ManifestEntry, from found: [(volume: Volume, entry: IndexEntry)], into buffer: ChunkBuffer
    ) throws(StoreError) {
        let records = found.filter { $0.entry.header.kind != .manifest }
        guard let first = records.first else {
            throw StoreError(.corrupt, "chunk \(entry.address) is missing from every volume")
        }
        buffer.count = Int(entry.length)
        if first.entry.header.kind == .copy {
            buffer.reserve(Int(entry.length))
            for (volume, record) in records where record.header.payloadLength == entry.length {
                do {
                    try volume.read(record, into: buffer.storage.prefix(Int(entry.length)).rebased)
                    if SHA256.hash(buffer.bytes) == entry.address { return }
                } catch {}
                healQueue.withLock { _ = $0.insert(entry.address) }
            }
            throw StoreError(.corrupt, "every copy of chunk \(entry.address) is damaged")
        }
        try decodeChunk(entry, records: records, into: buffer)
    }

    /// Reads the data shards of a coded chunk straight into `buffer`, falling back to parity for any that are
    /// missing or damaged; the parity area is allocated only then.
    private func decodeChunk(
        _ entry: ManifestEntry, records: [(volume: Volume, entry: IndexEntry)], into buffer: ChunkBuffer
    ) throws(StoreError) {
        let header = records[0].entry.header
        let k = Int(header.dataShardCount)
        let m = Int(header.parityShardCount)
        let code: ReedSolomon
        do {
            code =
                k == configuration.dataShardCount && m == configuration.parityShardCount
                ? self.code : try ReedSolomon(dataShardCount: k, parityShardCount: m)
        } catch {
            throw StoreError(.corrupt, "chunk \(entry.address) has an invalid code \(k)+\(m)")
        }
        let length = ReedSolomon.shardLength(objectLength: Int(entry.length), dataShardCount: k)
        // Data shard i is bytes i·length ..< (i+1)·length of the chunk, so it is read in place; the padding of the
        // last shards lands past `count`, in the room `reserve` makes.
        buffer.reserve(length * k)
        var pieces = (0..<k).map {
            UnsafeMutableRawBufferPointer(rebasing: buffer.storage[($0 * length)..<(($0 + 1) * length)])
        }
        var parityArea: UnsafeMutableRawBufferPointer?
        defer { parityArea?.deallocate() }
        var present = [Bool](repeating: false, count: k + m)
        var presentCount = 0
        // Data shards first: when they are all intact no decoding is needed at all.
        let ordered = records.filter {
            Int($0.entry.header.shardIndex) < k + m
                && $0.entry.header.payloadLength
                    == UInt32(length)
        }.sorted { $0.entry.header.shardIndex < $1.entry.header.shardIndex }
        for (volume, record) in ordered where presentCount < k {
            let index = Int(record.header.shardIndex)
            guard !present[index] else { continue }
            if index >= k && parityArea == nil {
                let area = UnsafeMutableRawBufferPointer.allocate(byteCount: length * m, alignment: 64)
                parityArea = area
                pieces += (0..<m).map {
                    UnsafeMutableRawBufferPointer(rebasing: area[($0 * length)..<(($0 + 1) * length)])
                }
            }
            do {
                try volume.read(record, into: pieces[index])
                present[index] = true
                presentCount += 1
            } catch {
                healQueue.withLock { _ = $0.insert(entry.address) }
            }
        }
        guard presentCount >= k else {
            throw StoreError(
                .corrupt, "chunk \(entry.address): only \(presentCount) of the \(k) shards needed are intact")
        }
        if present[..<k].contains(false) {
            healQueue.withLock { _ = $0.insert(entry.address) }
            do {
                try code.reconstruct(shards: pieces, present: present)
            } catch {
                throw StoreError(.corrupt, "chunk \(entry.address): \(error)")
            }
        }
        guard SHA256.hash(buffer.bytes) == entry.address else {
            throw StoreError(.corrupt, "chunk \(entry.address) failed its SHA-256 check after decoding")
        }
    }
}

extension Slice where Base == UnsafeMutableRawBufferPointer {
    /// The slice as a buffer of its own.
    var rebased: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: self) }
}
