// Reading many objects back to back, as a WADO-RS study retrieve does: two owned threads read and verify the
// chunks of alternate objects ahead of the caller, which delivers them to its sink in order, so SHA-256 runs on both
// cores and overlaps the sending. At most 2 × 2 chunks are in flight, whatever the number or size of the objects.
// Objects the read cache holds whole are delivered from it by the caller alone. A third thread asks the drives for
// the records of the next objects ahead of the readers (ObjectStore+Prefetch.swift), leaving what it looked up in the
// indexes for them (LocatedRecords.swift); the indexes themselves are asked for whole when the read starts.
public import Primitives
import Synchronization
import Volumes

/// Receives the objects of a multi-object read, in order.
public protocol ObjectSequenceSink {
    /// Called before the first byte of object `index` (its position in the list read) with its length as its
    /// manifest records it. Throwing stops the read.
    mutating func begin(object index: Int, length: UInt64) throws
    /// Called with verified bytes of the object last begun, in order. Throwing stops the read.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ObjectStore {
    /// Read-ahead threads of one multi-object read. Object i is read by thread i mod 2, so SHA-256 runs on both
    /// cores while the caller sends; the caller takes the objects back in order.
    static let prefetchReaderCount = 2
    /// Chunks each read-ahead thread holds: one being read while the other waits or is delivered. Buffers grow to
    /// the chunks they carry, so a read holds about 2 MiB for CT slices and 16 MiB at the 4 MiB chunk ceiling.
    static let prefetchBuffersPerReader = 2

    /// Read-ahead threads of multi-object gets running now: 0 whenever no get is in progress, since every get
    /// joins its threads before it returns or throws.
    public var prefetchThreadCount: Int { prefetchThreads.load(ordering: .acquiring) }

    /// One step of a multi-object read handed from a reader thread to the caller.
    private enum ReadStep: Sendable {
        case begin(index: Int, length: UInt64)
        case chunk(ChunkBuffer)
    }

    /// One read-ahead thread's queues: its steps in order, its free buffers, and the error that stopped it.
    private struct Reader: Sendable {
        let ready = BoundedQueue<ReadStep>(capacity: ObjectStore.prefetchBuffersPerReader * 2)
        let free = BoundedQueue<ChunkBuffer>(capacity: ObjectStore.prefetchBuffersPerReader)
        let failure = FirstError()

        /// Closes both queues, which makes the thread return.
        func close() {
            free.close()
            ready.close()
        }
    }

    /// Reads the objects at `addresses` in order into `sink`, every chunk verified against its SHA-256 before any
    /// of its bytes reach the sink.
    ///
    /// Chunks are read ahead on owned threads (when the store is pipelined and there is more than one object),
    /// which are joined before this returns or throws, also when the sink throws. Throws the sink's errors as they
    /// are, and a StoreError when an object is missing or a chunk cannot be rebuilt; a failing chunk is never
    /// delivered, nor anything of the objects after it.
    public func get(_ addresses: [ChunkAddress], into sink: inout some ObjectSequenceSink) throws {
        if let manifests = readCache?.manifestsFullyHeld(addresses) {
            return try getHeld(manifests, into: &sink)
        }
        guard isPipelined && addresses.count > 1 else {
            for (index, address) in addresses.enumerated() {
                let manifest = try manifest(address)
                try sink.begin(object: index, length: manifest.length)
                var adapter = ObjectSinkAdapter(sink: sink)
                defer { sink = adapter.sink }
                try get(manifest, of: address, into: &adapter)
            }
            return
        }
        // Every chunk is looked up in every volume's index, at random places (addresses are hashes): have the drives
        // read the indexes whole now rather than page by page as the lookups reach them.
        prefetchIndexes()
        let located = LocatedRecords()
        let readerCount = min(Self.prefetchReaderCount, addresses.count)
        let readers = (0..<readerCount).map { _ in Reader() }
        var threads = readers.enumerated().map { first, reader in
            for _ in 0..<Self.prefetchBuffersPerReader { reader.free.push(ChunkBuffer(capacity: 0)) }
            prefetchThreads.add(1, ordering: .relaxed)
            return OwnedThread(name: "tessera-prefetch") {
                defer { self.prefetchThreads.subtract(1, ordering: .releasing) }
                self.readAhead(addresses, first: first, stride: readerCount, located: located, into: reader)
            }
        }
        // One credit per object the drives may be asked for ahead of the object being delivered. Room for every
        // credit, so delivering never waits for the asking; objects delivered already are not asked for.
        let credits = BoundedQueue<Bool>(capacity: Self.prefetchObjectsAhead + addresses.count)
        for _ in 0..<Self.prefetchObjectsAhead { _ = credits.push(true) }
        let delivered = Atomic<Int>(0)
        prefetchThreads.add(1, ordering: .relaxed)
        threads.append(
            OwnedThread(name: "tessera-advise") {
                defer { self.prefetchThreads.subtract(1, ordering: .releasing) }
                for (index, address) in addresses.enumerated() {
                    guard credits.pop() != nil else { return }
                    if index >= delivered.load(ordering: .relaxed) { self.prefetchObject(address, located: located) }
                }
            })
        defer {
            credits.close()
            for reader in readers { reader.close() }
            for thread in threads { thread.join() }
        }
        for index in addresses.indices {
            let reader = readers[index % readerCount]
            func stopped(_ what: String) -> StoreError {
                reader.failure.value ?? StoreError(.io, "object \(addresses[index]) \(what)")
            }
            guard case .begin(index, let length)? = reader.ready.pop() else { throw stopped("was not read") }
            try sink.begin(object: index, length: length)
            var written: UInt64 = 0
            while written < length {
                guard case .chunk(let buffer)? = reader.ready.pop() else {
                    throw stopped("stopped after \(written) of \(length) bytes")
                }
                written += UInt64(buffer.count)
                guard written <= length else { throw stopped("has chunks past its length \(length)") }
                try sink.write(buffer.bytes)
                reader.free.push(buffer)
            }
            delivered.store(index + 1, ordering: .relaxed)
            _ = credits.push(true)
        }
    }

    /// Delivers objects whose manifests and chunks the read cache held a moment ago straight from it on the
    /// caller's thread: no read-ahead threads, no copies. A chunk forgotten since is read from the volumes.
    private func getHeld(_ manifests: [Manifest], into sink: inout some ObjectSequenceSink) throws {
        guard let readCache else { preconditionFailure("only a store with a read cache holds objects") }
        let buffer = ChunkBuffer(capacity: 0)
        for (index, manifest) in manifests.enumerated() {
            try sink.begin(object: index, length: manifest.length)
            for entry in manifest.entries {
                if let held = readCache.chunk(entry.address, length: Int(entry.length)) {
                    try held.withUnsafeBytes { try sink.write($0) }
                } else {
                    try readChunkAfterMiss(entry, into: buffer)
                    try sink.write(buffer.bytes)
                }
            }
        }
    }

    /// A reader thread's loop over objects `first`, `first + stride`, …: each object's manifest, then its chunks,
    /// read and verified into the reader's free buffers.
    private func readAhead(
        _ addresses: [ChunkAddress], first: Int, stride: Int, located: LocatedRecords, into reader: Reader
    ) {
        defer { reader.ready.close() }
        for index in Swift.stride(from: first, to: addresses.count, by: stride) {
            do {
                let manifest = try manifest(addresses[index])
                guard reader.ready.push(.begin(index: index, length: manifest.length)) else { return }
                for entry in manifest.entries {
                    guard let buffer = reader.free.pop() else { return }
                    try readChunk(entry, into: buffer, located: located)
                    guard reader.ready.push(.chunk(buffer)) else { return }
                }
            } catch {
                reader.failure.record(error)
                return
            }
        }
    }
}

/// Lets a single-object get write into an ObjectSequenceSink.
private struct ObjectSinkAdapter<Sink: ObjectSequenceSink>: ByteSink {
    var sink: Sink

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws { try sink.write(buffer) }
}
