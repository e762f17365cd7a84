// How long each holder took, recently, to begin answering a chunk request: the last 64 times per node. A read hedges
// to the next holder when the one it asked has not begun answering within that holder's own recent p95, so one
// holder stalling (a disk retrying, a saturated link) costs a read about its usual worst case, not a timeout.
public import Primitives
import Synchronization

/// Recent answer times per holder; shared by every read of a node.
public final class HolderLatencies: Sendable {
    /// Samples kept per holder.
    static let samplesMax = 64
    /// Samples needed before a p95 is trusted (before that, no hedging: a cold holder is not cut off).
    static let samplesMin = 16
    /// The shortest wait a hedge allows, so scheduling noise on a fast holder does not trigger it.
    static let floorSeconds = 0.005

    private let samples = Mutex<[NodeID: [Double]]>([:])
    private let hedges = Atomic(0)

    /// Reads that moved on from a holder slower than its p95, since start.
    public var hedgeCount: Int { hedges.load(ordering: .relaxed) }

    public init() {}

    /// Records that `node` began answering after `seconds`.
    public func record(_ node: NodeID, seconds: Double) {
        samples.withLock { samples in
            var recent = samples[node, default: []]
            if recent.count == Self.samplesMax { recent.removeFirst() }
            recent.append(seconds)
            samples[node] = recent
        }
    }

    /// Records that `node` did not begin answering within `seconds` and the read moved on.
    public func recordHedge(_ node: NodeID, seconds: Double) {
        hedges.add(1, ordering: .relaxed)
        record(node, seconds: seconds)
    }

    /// How long to wait for `node` before hedging: its recent p95 (at least `floorSeconds`), or nil while it has
    /// fewer than `samplesMin` samples.
    public func hedgeAfterSeconds(_ node: NodeID) -> Double? {
        let recent = samples.withLock { $0[node] ?? [] }
        guard recent.count >= Self.samplesMin else { return nil }
        let sorted = recent.sorted()
        return max(Self.floorSeconds, sorted[min(sorted.count - 1, sorted.count * 95 / 100)])
    }
}
