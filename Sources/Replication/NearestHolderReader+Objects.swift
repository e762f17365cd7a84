// Reading a run of objects this node does not hold (the instances of a study held elsewhere) in one stream from the
// nearest holder (ObjectStream): each manifest and chunk checked as it arrives, each object begun in the sink with
// its length (the sink of the store's own multi-object reads). A holder that fails mid-object is left for the next
// holders from the chunk it failed on, and the stream goes on from the next object at the next holder; an object
// the holder does not have is read from the others on its own. No byte is written twice or out of order.
import Coding
public import ObjectStore
public import Primitives

extension NearestHolderReader {
    /// Writes `objects` (each its manifest's address and catalogued length) into `sink` in order; returns the
    /// holders that failed, each with why. Throws `ReplicaError(.unavailable)` when no holder could serve one, or
    /// the sink's error.
    @discardableResult
    public func getAll(_ objects: [(address: ChunkAddress, length: UInt64)], into sink: inout some ObjectSequenceSink)
        throws -> [(node: NodeID, reason: String)]
    {
        var failures: [(node: NodeID, reason: String)] = []
        var queue = HolderQueue(count: holders.count)
        var next = 0  // The first object not yet written whole.
        while next < objects.count {
            guard let turn = queue.current else { throw Self.exhausted(objects[next].address, failures) }
            // Where the stream stopped inside object `next`, once its first byte went to the sink.
            var progress: (manifest: Manifest, chunk: Int)?
            do {
                let end = min(objects.count, next + ObjectStream.countMax)
                let addresses = objects[next..<end].map(\.address)
                var stream = try timed(turn) {
                    try holders[turn.index].peer.objects(addresses, answerWithinSeconds: $0)
                }
                while next < end {
                    let object = objects[next]
                    guard let bytes = try stream.manifest() else {
                        try Self.passing { try readElsewhere(object, index: next, skipping: turn.index, into: &sink) }
                        next += 1
                        continue
                    }
                    let manifest = try Self.checked(bytes, address: object.address, length: object.length)
                    try Self.passing { try sink.begin(object: next, length: manifest.length) }
                    progress = (manifest, 0)
                    for entry in manifest.entries {
                        let chunk = try stream.chunk(length: Int(entry.length))
                        try Self.check(chunk, entry)
                        try Self.passing { try chunk.withUnsafeBytes { try sink.write($0) } }
                        progress?.chunk += 1
                    }
                    progress = nil
                    next += 1
                }
                try stream.finish()
            } catch let failure as EndOfRead {
                throw failure.error
            } catch {
                failures.append((holders[turn.index].node, "\(error)"))
                queue.failed(wasSlow: Self.isHedge(error))
                if let (manifest, chunk) = progress {
                    var part = SequencePart(sink: sink)
                    defer { sink = part.sink }
                    try writeChunks(
                        manifest.entries, from: chunk, of: objects[next].address, queue: &queue, failures: &failures,
                        into: &part)
                    next += 1
                }
            }
        }
        return failures
    }

    /// Writes `object`, which holder `skipping` does not have, from the other holders, framed as object `index`.
    private func readElsewhere(
        _ object: (address: ChunkAddress, length: UInt64), index: Int, skipping: Int,
        into sink: inout some ObjectSequenceSink
    ) throws {
        let others = NearestHolderReader(
            holders: holders.enumerated().filter { $0.offset != skipping }.map(\.element), latencies: latencies)
        try sink.begin(object: index, length: object.length)
        var part = SequencePart(sink: sink)
        defer { sink = part.sink }
        try others.get(object.address, length: object.length, into: &part)
    }
}

/// The object of a sequence being written, as a ByteSink.
struct SequencePart<Sink: ObjectSequenceSink>: ByteSink {
    var sink: Sink

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws { try sink.write(buffer) }
}
