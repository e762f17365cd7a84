// Reading many objects back to back, as a WADO-RS study retrieve does: two jobs on the store's executor read and verify
// the chunks of alternate objects ahead of the caller, which delivers them to its sink in order, so SHA-256 runs on
// both cores and overlaps the sending. At most 2 × 2 chunks are in flight, whatever the number or size of the objects.
// Objects the read cache holds whole are delivered from it by the caller alone. A third job asks the drives for the
// records of the next objects ahead of the readers (ObjectStore+Prefetch.swift), leaving what it looked up in the
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
    /// Read-ahead jobs of one multi-object read. Object i is read by job i mod 2, so SHA-256 runs on both cores
    /// while the caller sends; the caller takes the objects back in order.
    static let prefetchReaderCount = 2
    /// Chunks each read-ahead job holds: one being read while the other waits or is delivered. Buffers grow to
    /// the chunks they carry, so a read holds about 2 MiB for CT slices and 16 MiB at the 4 MiB chunk ceiling.
    static let prefetchBuffersPerReader = 2

    /// Read-ahead jobs of multi-object gets running now: 0 whenever no get is in progress, since every get waits
    /// for its jobs before it returns or throws.
    public var prefetchThreadCount: Int { prefetchThreads.load(ordering: .acquiring) }

    /// One step of a multi-object read handed from a read-ahead job to the caller.
    private enum ReadStep: Sendable {
        case begin(index: Int, length: UInt64)
        case chunk(ChunkBuffer)
    }

    /// One read-ahead job's queues: its steps in order, its free buffers, and the error that stopped it.
    private struct Reader: Sendable {
        let ready: any HandOverQueue<ReadStep>
        let free: any HandOverQueue<ChunkBuffer>
        let failure = FirstError()

        /// Makes the queues of one read-ahead job, from `executor`.
        init(executor: any Executor) {
            ready = executor.makeQueue(capacity: ObjectStore.prefetchBuffersPerReader * 2)
            free = executor.makeQueue(capacity: ObjectStore.prefetchBuffersPerReader)
        }

        /// Closes both queues, which makes the job return.
        func close() {
            free.close()
            ready.close()
        }
    }

    /// Reads the objects at `addresses` in order into `sink`, every chunk verified against its SHA-256 before any
    /// of its bytes reach the sink.
    ///
    /// Chunks are read ahead by jobs on the store's executor (when it runs jobs alongside the caller and there is more
    /// than one object), which end before this returns or throws, also when the sink throws. Throws the sink's errors
    /// as they are, and a StoreError when an object is missing or a chunk cannot be rebuilt; a failing chunk is never
    /// delivered, nor anything of the objects after it.
    public func get(_ addresses: [ChunkAddress], into sink: inout some ObjectSequenceSink) throws {
        if let manifests = readCache?.manifestsFullyHeld(addresses) {
            return try getHeld(manifests, into: &sink)
        }
        if addresses.count > 1, let (readAhead, run) = startReadAhead(addresses) {
            defer {
                readAhead.close()
                run.join()
            }
            return try deliver(addresses, from: readAhead, into: &sink)
        }
        for (index, address) in addresses.enumerated() {
            let manifest = try manifest(address)
            try sink.begin(object: index, length: manifest.length)
            var adapter = ObjectSinkAdapter(sink: sink)
            defer { sink = adapter.sink }
            try get(manifest, of: address, into: &adapter)
        }
    }

    /// How the caller of a multi-object read talks to its read-ahead jobs.
    private final class ReadAhead: Sendable {
        let readers: [Reader]
        /// One credit per object the drives may be asked for ahead of the object being delivered. Room for every
        /// credit, so delivering never waits for the asking.
        let credits: any HandOverQueue<Bool>
        /// Objects delivered so far, which the asking skips.
        let delivered = Atomic<Int>(0)

        init(readers: [Reader], credits: any HandOverQueue<Bool>) {
            self.readers = readers
            self.credits = credits
        }

        /// Closes every queue, which makes the jobs return.
        func close() {
            credits.close()
            for reader in readers { reader.close() }
        }
    }

    /// Starts the read-ahead jobs (two readers and the one asking the drives ahead) of a read of `addresses`; nil,
    /// starting none, when the executor cannot run them alongside the caller.
    private func startReadAhead(_ addresses: [ChunkAddress]) -> (ReadAhead, ExecutorRun<Void>)? {
        let located = LocatedRecords()
        let readerCount = min(Self.prefetchReaderCount, addresses.count)
        let readAhead = ReadAhead(
            readers: (0..<readerCount).map { _ in Reader(executor: executor) },
            credits: executor.makeQueue(capacity: Self.prefetchObjectsAhead + addresses.count))
        var jobs: [@Sendable () -> Void] = readAhead.readers.enumerated().map { first, reader in
            {
                defer { self.prefetchThreads.subtract(1, ordering: .releasing) }
                self.readAhead(addresses, first: first, stride: readerCount, located: located, into: reader)
            }
        }
        jobs.append {
            defer { self.prefetchThreads.subtract(1, ordering: .releasing) }
            for (index, address) in addresses.enumerated() {
                guard readAhead.credits.pop() != nil else { return }
                if index >= readAhead.delivered.load(ordering: .relaxed) {
                    self.prefetchObject(address, located: located)
                }
            }
        }
        // Counted before the start, so a job that ends at once never takes the count below zero.
        prefetchThreads.add(jobs.count, ordering: .relaxed)
        guard let run = executor.startAlongside(jobs) else {
            prefetchThreads.subtract(jobs.count, ordering: .relaxed)
            return nil
        }
        // Every chunk is looked up in every volume's index, at random places (addresses are hashes): have the drives
        // read the indexes whole now rather than page by page as the lookups reach them.
        prefetchIndexes()
        for reader in readAhead.readers {
            for _ in 0..<Self.prefetchBuffersPerReader { reader.free.push(ChunkBuffer(capacity: 0)) }
        }
        for _ in 0..<Self.prefetchObjectsAhead { _ = readAhead.credits.push(true) }
        return (readAhead, run)
    }

    /// Delivers the objects of `addresses` in order from the read-ahead jobs to `sink`.
    private func deliver(
        _ addresses: [ChunkAddress], from readAhead: ReadAhead, into sink: inout some ObjectSequenceSink
    ) throws {
        let readers = readAhead.readers
        let readerCount = readers.count
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
            readAhead.delivered.store(index + 1, ordering: .relaxed)
            _ = readAhead.credits.push(true)
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

    /// A read-ahead job's loop over objects `first`, `first + stride`, …: each object's manifest, then its chunks,
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
