// How one direction of a link between two hosts behaves when it is not cut: delay with jitter, loss, a rate cap.

/// The condition of the packets from one host to another.
public struct LinkShape: Sendable, Equatable, Codable {
    /// The longest delay or jitter accepted, in milliseconds (a minute: anything longer is a partition).
    public static let delayMillisecondsMax = 60_000
    /// The lowest rate cap accepted, in kilobits per second.
    public static let rateKilobitsPerSecondMin = 8

    /// Delay added to every packet, in milliseconds (tc netem).
    public var delayMilliseconds: Int
    /// Random variation of that delay, in milliseconds (tc netem).
    public var jitterMilliseconds: Int
    /// Share of packets dropped, in percent (0 to 100).
    public var lossPercent: Double
    /// Rate cap in kilobits per second, or nil for none (tc htb).
    public var rateKilobitsPerSecond: Int?

    /// Makes a shape; check it with `validate()`.
    public init(
        delayMilliseconds: Int = 0, jitterMilliseconds: Int = 0, lossPercent: Double = 0,
        rateKilobitsPerSecond: Int? = nil
    ) {
        self.delayMilliseconds = delayMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
        self.lossPercent = lossPercent
        self.rateKilobitsPerSecond = rateKilobitsPerSecond
    }

    /// A link as it is with no fault.
    public static let clear = LinkShape()

    /// Whether this shape changes nothing.
    public var isClear: Bool { self == .clear }

    /// Whether this shape needs netem (a delay or jitter).
    public var needsNetem: Bool { delayMilliseconds > 0 || jitterMilliseconds > 0 }

    /// The loss in hundredths of a percent, as the packet filter draws it (`numgen random mod 10000`).
    public var lossBasisPoints: Int { Int((lossPercent * 100).rounded()) }

    /// Checks the ranges, naming the first value out of range.
    public func validate() throws(ChaosError) {
        guard (0...Self.delayMillisecondsMax).contains(delayMilliseconds) else {
            throw ChaosError(
                .argument, "the delay must be 0 to \(Self.delayMillisecondsMax) ms, not \(delayMilliseconds)")
        }
        guard (0...Self.delayMillisecondsMax).contains(jitterMilliseconds) else {
            throw ChaosError(
                .argument, "the jitter must be 0 to \(Self.delayMillisecondsMax) ms, not \(jitterMilliseconds)")
        }
        guard lossPercent >= 0, lossPercent <= 100 else {
            throw ChaosError(.argument, "the loss must be 0 to 100 percent, not \(lossPercent)")
        }
        if let rate = rateKilobitsPerSecond, rate < Self.rateKilobitsPerSecondMin {
            throw ChaosError(
                .argument, "the rate cap must be at least \(Self.rateKilobitsPerSecondMin) kbit/s, not \(rate)")
        }
    }
}
