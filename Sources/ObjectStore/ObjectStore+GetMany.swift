// Reading many objects back to back, as a WADO-RS study retrieve does: an owned thread reads and verifies the
// chunks ahead of the caller, which delivers them to its sink, so SHA-256 on one core overlaps the sending on the
// other. At most `prefetchBufferCount` chunks are in flight, whatever the number or size of the objects.
public import Primitives
import Synchronization

/// Receives the objects of a multi-object read, in order.
public protocol ObjectSequenceSink {
    /// Called before the first byte of object `index` (its position in the list read) with its length as its
    /// manifest records it. Throwing stops the read.
    mutating func begin(object index: Int, length: UInt64) throws
    /// Called with verified bytes of the object last begun, in order. Throwing stops the read.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ObjectStore {
    /// Chunks read ahead of the sink in a multi-object read: one being read, one waiting, one being delivered.
    /// Buffers grow to the chunks they carry, so this is about 1.6 MiB for CT slices and 12 MiB at the 4 MiB chunk
    /// ceiling.
    static let prefetchBufferCount = 3

    /// Read-ahead threads of multi-object gets running now: 0 whenever no get is in progress, since every get
    /// joins its thread before it returns or throws.
    public var prefetchThreadCount: Int { prefetchThreads.load(ordering: .acquiring) }

    /// One step of a multi-object read handed from the reader thread to the caller.
    private enum ReadStep: Sendable {
        case begin(index: Int, length: UInt64)
        case chunk(ChunkBuffer)
    }

    /// Reads the objects at `addresses` in order into `sink`, every chunk verified against its SHA-256 before any
    /// of its bytes reach the sink.
    ///
    /// Chunks are read ahead on an owned thread (when the store is pipelined and there is more than one object),
    /// which is joined before this returns or throws, also when the sink throws. Throws the sink's errors as they
    /// are, and a StoreError when an object is missing or a chunk cannot be rebuilt; a failing chunk is never
    /// delivered.
    public func get(_ addresses: [ChunkAddress], into sink: inout some ObjectSequenceSink) throws {
        guard isPipelined && addresses.count > 1 else {
            for (index, address) in addresses.enumerated() {
                let manifest = try manifest(address)
                try sink.begin(object: index, length: manifest.length)
                var adapter = ObjectSinkAdapter(sink: sink)
                defer { sink = adapter.sink }
                try get(address, into: &adapter)
            }
            return
        }
        let failure = FirstError()
        let ready = BoundedQueue<ReadStep>(capacity: Self.prefetchBufferCount * 2)
        let free = BoundedQueue<ChunkBuffer>(capacity: Self.prefetchBufferCount)
        for _ in 0..<Self.prefetchBufferCount { free.push(ChunkBuffer(capacity: 0)) }
        prefetchThreads.add(1, ordering: .relaxed)
        let thread = OwnedThread(name: "tessera-prefetch") {
            defer { self.prefetchThreads.subtract(1, ordering: .releasing) }
            self.readAhead(addresses, ready: ready, free: free, failure: failure)
        }
        defer {
            free.close()
            ready.close()
            thread.join()
        }
        var expected: (index: Int, length: UInt64, written: UInt64)?
        func checkComplete() throws(StoreError) {
            guard let expected, expected.written != expected.length else { return }
            throw StoreError(
                .io,
                "object \(addresses[expected.index]) stopped after \(expected.written) of \(expected.length) bytes")
        }
        while let step = ready.pop() {
            switch step {
            case .begin(let index, let length):
                try checkComplete()
                expected = (index, length, 0)
                try sink.begin(object: index, length: length)
            case .chunk(let buffer):
                try sink.write(buffer.bytes)
                expected?.written += UInt64(buffer.count)
                free.push(buffer)
            }
        }
        if let error = failure.value { throw error }
        try checkComplete()
        guard expected?.index == addresses.count - 1 else {
            throw StoreError(.io, "a multi-object read stopped before object \((expected?.index ?? -1) + 1)")
        }
    }

    /// The reader thread's loop: each object's manifest, then its chunks, read and verified into free buffers.
    private func readAhead(
        _ addresses: [ChunkAddress], ready: BoundedQueue<ReadStep>, free: BoundedQueue<ChunkBuffer>,
        failure: FirstError
    ) {
        defer { ready.close() }
        for (index, address) in addresses.enumerated() {
            do {
                let manifest = try manifest(address)
                guard ready.push(.begin(index: index, length: manifest.length)) else { return }
                for entry in manifest.entries {
                    guard let buffer = free.pop() else { return }
                    try readChunk(entry, into: buffer)
                    guard ready.push(.chunk(buffer)) else { return }
                }
            } catch {
                failure.record(error)
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
