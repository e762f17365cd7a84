// One node's local clock in the simulator: the true time mapped through a skew (offset), a drift (ppm) and scheduled
// forward jumps. A node's core only ever sees this local time; the simulator maps its timers back to true time.
public import Primitives

/// Why a clock could not be made.
public struct SimClockError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
}

/// A node's monotonic clock as the simulator bends it.
///
/// local(t) = t + offset + drift · t / 10⁶ + the sum of jumps scheduled at or before t. Jumps MUST be forward: the
/// clock a node's reactor reads is monotonic (CLOCK_MONOTONIC steps forward across a suspend, never back), and the
/// core requires a `now` that never goes back.
public struct SimClock: Hashable, Sendable {
    /// One scheduled step of the clock.
    public struct Jump: Hashable, Sendable {
        /// True time at which it happens, in ticks.
        public let atTicks: Int64
        /// How far the local clock steps forward, in ticks.
        public let stepTicks: Int64

        /// Makes a jump.
        public init(atTicks: Int64, stepTicks: Int64) {
            self.atTicks = atTicks
            self.stepTicks = stepTicks
        }
    }

    /// Local minus true time at true time zero, in ticks.
    public let offsetTicks: Int64
    /// Rate error in parts per million (positive runs fast).
    public let driftPPM: Double
    /// Forward steps, sorted by time.
    public let jumps: [Jump]

    /// A perfect clock.
    public static let exact = SimClock()

    private init() {
        offsetTicks = 0
        driftPPM = 0
        jumps = []
    }

    /// Makes a clock; drift beyond ±10,000 ppm (1 %) or a jump that is not forward is refused by name.
    public init(offsetTicks: Int64, driftPPM: Double, jumps: [Jump] = []) throws(SimClockError) {
        guard driftPPM.isFinite, abs(driftPPM) <= 10_000 else {
            throw SimClockError(description: "clock drift \(driftPPM) ppm is outside ±10,000 ppm")
        }
        for jump in jumps where jump.stepTicks <= 0 || jump.atTicks < 0 {
            throw SimClockError(
                description: "clock jump of \(jump.stepTicks) ticks at \(jump.atTicks) is not a forward step at t ≥ 0")
        }
        self.offsetTicks = offsetTicks
        self.driftPPM = driftPPM
        self.jumps = jumps.sorted { $0.atTicks < $1.atTicks }
    }

    /// The local instant at true time `trueTicks` (non-decreasing in `trueTicks`).
    public func local(atTrueTicks trueTicks: Int64) -> Instant {
        var ticks = trueTicks + offsetTicks + driftTicks(trueTicks)
        for jump in jumps where jump.atTicks <= trueTicks { ticks += jump.stepTicks }
        return Instant(ticks: ticks)
    }

    /// The earliest true time at which the local clock reads `local` or later, never before `notBefore`: when a
    /// timer set for `local` fires.
    public func trueTicks(reaching local: Instant, notBefore: Int64) -> Int64 {
        if driftPPM == 0, jumps.isEmpty {
            return max(local.ticks - offsetTicks, notBefore)
        }
        var segmentStart = notBefore
        var jumpIndex = jumps.firstIndex { $0.atTicks > notBefore } ?? jumps.count
        while true {
            if self.local(atTrueTicks: segmentStart) >= local { return segmentStart }
            let segmentEnd = jumpIndex < jumps.count ? jumps[jumpIndex].atTicks : Int64.max
            let base = self.local(atTrueTicks: segmentStart).ticks
            let rate = 1 + driftPPM / 1e6
            var candidate = segmentStart + Int64((Double(local.ticks - base) / rate).rounded(.up))
            while candidate > segmentStart, self.local(atTrueTicks: candidate - 1) >= local { candidate -= 1 }
            while self.local(atTrueTicks: candidate) < local, candidate < segmentEnd { candidate += 1 }
            if candidate < segmentEnd { return candidate }
            segmentStart = segmentEnd
            jumpIndex += 1
        }
    }

    private func driftTicks(_ trueTicks: Int64) -> Int64 {
        driftPPM == 0 ? 0 : Int64((Double(trueTicks) * driftPPM / 1e6).rounded(.down))
    }
}
