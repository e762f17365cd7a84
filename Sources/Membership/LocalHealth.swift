// Lifeguard's Local Health Multiplier (Dadgar et al. 2018, IV.C; memberlist's awareness.go): a node that misses its
// own deadlines (failed probes, missing nacks, being suspected) slows its probing instead of accusing others.

/// A saturating health score 0 … max − 1; 0 is healthy. Intervals and timeouts are multiplied by score + 1.
public struct LocalHealth: Hashable, Sendable {
    /// The score's exclusive upper bound (memberlist's AwarenessMaxMultiplier).
    public let awarenessMax: Int
    /// The current score: 0 is healthy.
    public private(set) var score: Int = 0

    /// Makes a healthy score with range 0 … `awarenessMax − 1`.
    public init(awarenessMax: Int) {
        precondition(awarenessMax >= 1, "awarenessMax must be at least 1")
        self.awarenessMax = awarenessMax
    }

    /// Adds `delta` (positive when unhealthy signs were seen, −1 for a successful probe), clamped to the range.
    public mutating func apply(_ delta: Int) {
        score = min(max(score + delta, 0), awarenessMax - 1)
    }

    /// `ticks` multiplied by score + 1 (Lifeguard IV.C: probe interval and probe timeout both scale).
    public func scaled(_ ticks: Int64) -> Int64 { ticks * Int64(score + 1) }
}
