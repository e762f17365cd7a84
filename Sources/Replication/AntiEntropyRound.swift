// One anti-entropy round with one peer, from the puller's side (DESIGN.md, "Catalog"): compare the digest tree from
// the root down, asking only for the children of what differs, then pull the rows of the differing buckets in
// batches. Pure: replies in, the next request out; the node carries requests over internal HTTP, the simulator over
// its network. Each node pulls; two nodes that each pull from the other end up with the same catalog.
public import Catalog

/// The puller's state machine for one round.
public struct AntiEntropyRound: Sendable {
    /// What to do next.
    public enum Step: Sendable, Hashable {
        /// Ask the peer for the digests of the children of `parents` at `level`.
        case requestDigests(level: Int, parents: [Int])
        /// Ask the peer for the rows of these buckets (at most `RegionalWire.indicesMax`) and merge them.
        case pullBuckets([Int])
        /// The round is over: this many buckets differed (0: the catalogs were equal).
        case finished(differingBuckets: Int)
        /// The peer's reply made no sense; the round is abandoned (the next one starts over).
        case failed(String)
    }

    private enum Phase: Sendable {
        case idle
        case awaitingDigests(level: Int, parents: [Int])
        case pulling(remaining: [Int], total: Int)
        case over
    }

    private var phase = Phase.idle

    /// A round not yet started.
    public init() {}

    /// Starts the round: the root's children first (the root alone would cost a round trip to say little).
    public mutating func start() -> Step {
        precondition(isIdle, "a round starts once")
        phase = .awaitingDigests(level: 0, parents: [0])
        return .requestDigests(level: 0, parents: [0])
    }

    /// The peer's digests for the last `requestDigests`, compared with `mine`.
    public mutating func received(digests: [RegionalFingerprint], mine: RegionalDigestTree) -> Step {
        guard case .awaitingDigests(let level, let parents) = phase else { return fail("digests nobody asked for") }
        guard let differing = mine.differingChildren(of: parents, atLevel: level, theirs: digests) else {
            return fail("\(digests.count) digests for \(parents.count) parents")
        }
        if differing.isEmpty {
            phase = .over
            return .finished(differingBuckets: 0)
        }
        if level + 1 < RegionalDigestTree.depth {
            phase = .awaitingDigests(level: level + 1, parents: differing)
            return .requestDigests(level: level + 1, parents: differing)
        }
        phase = .pulling(remaining: differing, total: differing.count)
        return nextBatch()
    }

    /// The rows of the last `pullBuckets` were merged: the next batch, or the end.
    public mutating func pulled() -> Step {
        guard case .pulling = phase else { return fail("rows nobody asked for") }
        return nextBatch()
    }

    private var isIdle: Bool {
        if case .idle = phase { return true }
        return false
    }

    private mutating func nextBatch() -> Step {
        guard case .pulling(let remaining, let total) = phase else { preconditionFailure("pulling") }
        guard !remaining.isEmpty else {
            phase = .over
            return .finished(differingBuckets: total)
        }
        let batch = Array(remaining.prefix(RegionalWire.indicesMax))
        phase = .pulling(remaining: Array(remaining.dropFirst(batch.count)), total: total)
        return .pullBuckets(batch)
    }

    private mutating func fail(_ reason: String) -> Step {
        phase = .over
        return .failed("anti-entropy: \(reason)")
    }
}
