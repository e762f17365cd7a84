// Reading an instance this node does not hold (DESIGN.md, "Reads"): its manifest and then its chunks by address
// from the live holders, nearest first by estimated round trip, many chunks per request (ChunkStream); each chunk's
// SHA-256 is checked before a byte of it reaches the sink, and a holder that fails or answers wrong is left for the
// next one, from the chunk it failed on, so no byte is written twice or out of order. A holder that has not begun
// answering a chunk request within its own recent p95 (HolderLatencies) is hedged away from the same way, unless it
// is the last one, and asked again without a deadline once every other has failed (HolderQueue). The manifest
// request is hedged the same way, and so is the connect of either: a link dropping packets stalls a connect on SYN
// retransmissions for seconds. Blocking: runs on the request's owned thread.
import Coding
import ObjectStore
public import Primitives

/// Streams objects from other holders.
public struct NearestHolderReader: Sendable {
    /// The holders to try, best first, with how to reach each.
    public let holders: [(node: NodeID, peer: any ReplicaPeer)]
    /// Each holder's recent answer times, and the clock they are measured on; nil: no hedging.
    public let latencies: (record: HolderLatencies, clock: any TimeSource)?

    /// A reader over `holders`, already ranked (nearest first), hedging by `latencies` when given.
    public init(
        holders: [(node: NodeID, peer: any ReplicaPeer)],
        latencies: (record: HolderLatencies, clock: any TimeSource)? = nil
    ) {
        self.holders = holders
        self.latencies = latencies
    }

    /// Asks the holder of `turn` through `request`, to begin answering within its recent p95 when the turn may be
    /// hedged; records how long it took.
    func timed<Answer>(_ turn: HolderQueue.Turn, _ request: (_ answerWithinSeconds: Double?) throws -> Answer)
        throws -> Answer
    {
        let node = holders[turn.index].node
        guard let (record, clock) = latencies else { return try request(nil) }
        let within = turn.mayHedge ? record.hedgeAfterSeconds(node) : nil
        let start = clock.now()
        do {
            let answer = try request(within)
            record.record(node, seconds: Double(clock.now().ticks(since: start)) / Double(Instant.ticksPerSecond))
            return answer
        } catch let error as ReplicaError where error.code == .slow {
            record.recordHedge(node, seconds: within ?? 0)
            throw error
        }
    }

    /// Writes the object at `address`, `length` bytes long, into `sink`; returns the holders that failed, each
    /// with why. Throws `ReplicaError(.unavailable)` naming every holder's failure when none could serve it, or
    /// the sink's error.
    @discardableResult
    public func get(_ address: ChunkAddress, length: UInt64, into sink: inout some ByteSink) throws
        -> [(node: NodeID, reason: String)]
    {
        var failures: [(node: NodeID, reason: String)] = []
        var queue = HolderQueue(count: holders.count)
        var manifest: Manifest?
        while manifest == nil {
            guard let turn = queue.current else { throw Self.exhausted(address, failures) }
            do {
                let bytes = try timed(turn) {
                    try holders[turn.index].peer.manifest(address: address, answerWithinSeconds: $0)
                }
                manifest = try Self.checked(bytes, address: address, length: length)
            } catch {
                failures.append((holders[turn.index].node, "\(error)"))
                queue.failed(wasSlow: Self.isHedge(error))
            }
        }
        try writeChunks(manifest!.entries, from: 0, of: address, queue: &queue, failures: &failures, into: &sink)
        return failures
    }

    /// Writes `entries` from position `start` on into `sink`, from the holder `queue` names on, many chunks per
    /// request, each checked; a holder that fails is left for the next from the chunk it failed on (`queue` and
    /// `failures` say where the read got to). Throws when no holder is left, or the sink's error.
    func writeChunks(
        _ entries: [ManifestEntry], from start: Int, of address: ChunkAddress, queue: inout HolderQueue,
        failures: inout [(node: NodeID, reason: String)], into sink: inout some ByteSink
    ) throws {
        var next = start  // The first chunk not yet written.
        while next < entries.count {
            guard let turn = queue.current else { throw Self.exhausted(address, failures) }
            let chunks = ChunkBatches(entries: Array(entries[next...])) { entries in
                try self.timed(turn) { try self.holders[turn.index].peer.chunks(entries, answerWithinSeconds: $0) }
            }
            do {
                while let bytes = try chunks.next() {
                    try Self.check(bytes, entries[next])
                    try Self.passing { try bytes.withUnsafeBytes { try sink.write($0) } }
                    next += 1
                }
            } catch let failure as EndOfRead {
                throw failure.error
            } catch {
                failures.append((holders[turn.index].node, "\(error)"))
                queue.failed(wasSlow: Self.isHedge(error))
            }
        }
    }

    /// Whether `error` is a hedge: the holder had not begun answering within its recent p95.
    static func isHedge(_ error: any Error) -> Bool { (error as? ReplicaError)?.code == .slow }

    /// Throws `ReplicaError(.corrupt)` unless `bytes` are the chunk `entry` names.
    static func check(_ bytes: [UInt8], _ entry: ManifestEntry) throws(ReplicaError) {
        guard bytes.count == Int(entry.length), SHA256.hash(bytes) == entry.address else {
            throw ReplicaError(.corrupt, "chunk \(entry.address) arrived with other bytes")
        }
    }

    /// The manifest `bytes` a holder sent for `address`, checked against the address and the catalogued length.
    static func checked(_ bytes: [UInt8], address: ChunkAddress, length: UInt64) throws -> Manifest {
        guard SHA256.hash(bytes) == address, let manifest = Manifest.decode(bytes) else {
            throw ReplicaError(.corrupt, "the manifest sent is not the one at \(address)")
        }
        guard manifest.length == length else {
            throw ReplicaError(
                .inconsistent, "the object at \(address) has \(manifest.length) bytes, catalogued with \(length)")
        }
        return manifest
    }

    /// A failure that ends the read instead of moving to another holder: the sink's own (the client went away),
    /// or one after bytes of an object were written that another holder cannot take over.
    struct EndOfRead: Error {
        let error: any Error
    }

    /// Runs `body`, its failure one that ends the read.
    static func passing<Value>(_ body: () throws -> Value) throws -> Value {
        do { return try body() } catch { throw EndOfRead(error: error) }
    }

    static func exhausted(_ address: ChunkAddress, _ failures: [(node: NodeID, reason: String)]) -> ReplicaError {
        let detail =
            failures.isEmpty
            ? "no live holder"
            : failures.map { "node \($0.node): \($0.reason)" }
                .joined(separator: "; ")
        return ReplicaError(.unavailable, "no holder could serve object \(address) (\(detail))")
    }
}
