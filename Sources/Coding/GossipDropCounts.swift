// Counters of dropped gossip envelopes, one per cause, for the node's metrics. Pure: no atomics, no clock; the
// node reads them from the one thread that owns its gate.

/// How many gossip envelopes were dropped, per `GossipDropCause`.
public struct GossipDropCounts: Sendable, Equatable {
    /// One counter per cause, indexed by the cause's raw value.
    private var counts = [UInt64](repeating: 0, count: GossipDropCause.allCases.count)

    /// Makes counters that all read zero.
    public init() {}

    /// Counts one drop for `cause`.
    public mutating func record(_ cause: GossipDropCause) {
        counts[cause.rawValue] += 1
    }

    /// The drops counted for `cause`.
    public subscript(cause: GossipDropCause) -> UInt64 { counts[cause.rawValue] }

    /// The drops counted for every cause together.
    public var total: UInt64 { counts.reduce(0, +) }
}
