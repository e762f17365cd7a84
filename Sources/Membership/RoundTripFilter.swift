// Serf's latency filter: each peer's probe round-trip times pass through the median of its last few samples before
// they move the Vivaldi coordinate, so one delayed ack (a GC pause, a queue) does not throw the coordinate off.
public import Primitives

/// The median of the last `sampleCount` round-trip times per peer.
///
/// Memory is bounded by the members the caller keeps: it MUST `forget` a peer when the member is reaped.
public struct RoundTripFilter: Sendable {
    /// Serf's `latencyFilterSize`: three samples per peer.
    public static let sampleCountDefault = 3

    /// Samples kept per peer.
    public let sampleCount: Int
    private var samples: [NodeID: [Double]] = [:]

    /// Makes an empty filter keeping `sampleCount` samples per peer (at least one).
    public init(sampleCount: Int = sampleCountDefault) {
        precondition(sampleCount >= 1, "a round-trip filter keeps at least one sample per peer")
        self.sampleCount = sampleCount
    }

    /// The number of peers with samples.
    public var peerCount: Int { samples.count }

    /// Adds a sample for `peer` and returns the median of its recent samples, in seconds.
    public mutating func add(_ rttSeconds: Double, for peer: NodeID) -> Double {
        var recent = samples[peer] ?? []
        recent.append(rttSeconds)
        if recent.count > sampleCount { recent.removeFirst(recent.count - sampleCount) }
        samples[peer] = recent
        let sorted = recent.sorted()
        return sorted[sorted.count / 2]
    }

    /// Drops the samples of `peer` (reaped, or gone for good).
    public mutating func forget(_ peer: NodeID) {
        samples[peer] = nil
    }
}
