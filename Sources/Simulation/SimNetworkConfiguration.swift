// The knobs of the simulated network: jitter, loss, duplication, reordering and bandwidth, applied to every link on
// top of the topology's true latency. Partitions are not here: they change during a run (SimNetwork.cut).

/// How the simulated network misbehaves; every draw comes from the network's seed.
public struct SimNetworkConfiguration: Hashable, Sendable {
    /// Extra one-way delay drawn uniformly from 0 to this, per datagram, in ticks.
    public var jitterTicks: Int64
    /// Probability that a datagram is lost (0 to 1).
    public var lossRate: Double
    /// Probability that a delivered datagram is delivered twice (0 to 1).
    public var duplicateRate: Double
    /// Probability that a datagram is held back by `reorderDelayTicks`, so later ones overtake it (0 to 1).
    public var reorderRate: Double
    /// How long a reordered datagram is held back, in ticks.
    public var reorderDelayTicks: Int64
    /// Each node's uplink in bytes per second (serialization delay, queued behind what it sent before); nil is
    /// unlimited.
    public var uplinkBytesPerSecond: Int64?
    /// How long a push-pull stream waits before it gives up on a peer that does not answer (memberlist's TCP
    /// timeout, 10 s), in ticks.
    public var streamTimeoutTicks: Int64

    /// A clean network: 0.5 ms of jitter, nothing lost, duplicated or reordered, unlimited bandwidth, 10 s stream
    /// timeout.
    public static let clean = SimNetworkConfiguration(
        jitterTicks: 500, lossRate: 0, duplicateRate: 0, reorderRate: 0, reorderDelayTicks: 0,
        uplinkBytesPerSecond: nil, streamTimeoutTicks: 10_000_000)

    /// Makes a configuration; rates outside 0…1 or negative delays are programmer errors.
    public init(
        jitterTicks: Int64, lossRate: Double, duplicateRate: Double, reorderRate: Double, reorderDelayTicks: Int64,
        uplinkBytesPerSecond: Int64?, streamTimeoutTicks: Int64
    ) {
        for (name, rate) in [("loss", lossRate), ("duplicate", duplicateRate), ("reorder", reorderRate)] {
            precondition(rate >= 0 && rate <= 1, "the \(name) rate \(rate) is outside 0…1")
        }
        precondition(jitterTicks >= 0 && reorderDelayTicks >= 0 && streamTimeoutTicks > 0, "delays must be positive")
        precondition((uplinkBytesPerSecond ?? 1) > 0, "an uplink needs a positive rate")
        self.jitterTicks = jitterTicks
        self.lossRate = lossRate
        self.duplicateRate = duplicateRate
        self.reorderRate = reorderRate
        self.reorderDelayTicks = reorderDelayTicks
        self.uplinkBytesPerSecond = uplinkBytesPerSecond
        self.streamTimeoutTicks = streamTimeoutTicks
    }
}
