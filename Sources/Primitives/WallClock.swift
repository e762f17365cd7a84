// The seam for the time of day: what must name real time (HLC versions) reads it through this protocol, so a
// simulated or test node can be given a clock that is skewed, jumps, or stands still.

/// A real-time clock in milliseconds since the Unix epoch. It may jump (NTP, an operator): durations and deadlines
/// use a TimeSource instead.
public protocol WallClock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z, as this clock sees them.
    func millisecondsSinceEpoch() -> Int64
}
