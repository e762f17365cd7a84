// A node's weight in its site's rendezvous ranking: free space quantized onto a coarse logarithmic scale, so a few
// bytes written or freed never move a study. The steps are part of placement's format.

/// Free space as a placement weight: whole GiB, rounded down onto a scale of four steps per doubling.
///
/// Why coarse steps: weighted rendezvous moves a study whenever any weight in its site changes, and free space
/// changes with every write. With steps of 2^(1/4) (≈ 19 %), a node's weight changes only when its free space
/// crosses a step boundary, and then only the studies whose winner changes move. Why a log scale: weights stay
/// proportional to free space within 19 %, so a node with twice the space wins about twice the studies.
/// Below 1 GiB a node still weighs 1 (the minimum), so a full node keeps its share of existing studies until
/// membership takes it out of the topology.
public struct PlacementWeight: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// Steps per doubling of free space.
    public static let stepsPerDoubling = 4
    /// The bytes in one unit of weight: 1 GiB.
    public static let unitBytes: UInt64 = 1 << 30
    /// 2^(k/4) for k = 0…3, the fractional steps within one doubling.
    static let quarterPowers: [Double] = [1.0, 1.189_207_115_002_721_1, 1.414_213_562_373_095_1, 1.681_792_830_507_429]
    /// 2^31 · 2^(k/4) for k = 1…3, rounded up: a 32-bit normalized significand at or above one is in step k.
    static let quarterThresholds: [UInt64] = [2_553_802_834, 3_037_000_500, 3_611_622_603]

    /// The step on the scale: 0 below 2^(1/4) GiB (≈ 1.19 GiB), 4 from 2 GiB, 40 from 1 TiB; weight = 2^(step/4).
    public let step: Int

    /// The weight of a node with `freeBytes` free.
    public init(freeBytes: UInt64) {
        let units = freeBytes / Self.unitBytes
        guard units > 0 else {
            step = 0
            return
        }
        let whole = 63 - units.leadingZeroBitCount  // floor(log2(units))
        let normalized = (units << UInt64(units.leadingZeroBitCount)) >> 32  // top 32 bits, in [2^31, 2^32)
        var fraction = 0
        while fraction < Self.quarterThresholds.count && normalized >= Self.quarterThresholds[fraction] {
            fraction += 1
        }
        step = whole * Self.stepsPerDoubling + fraction
    }

    /// A weight given by its step directly (tests and simulations); `step` MUST be in 0…255.
    public init(step: Int) {
        precondition((0...255).contains(step), "a placement weight step of \(step) is outside 0…255")
        self.step = step
    }

    /// The weight as a number: 2^(step/4), exact in the power of two and a fixed constant for the fraction.
    public var value: Double {
        let whole = step / Self.stepsPerDoubling
        return Double(sign: .plus, exponent: whole, significand: Self.quarterPowers[step % Self.stepsPerDoubling])
    }

    public var description: String { "weight step \(step) (\(value))" }

    public static func < (left: PlacementWeight, right: PlacementWeight) -> Bool { left.step < right.step }
}
