// Lifeguard's dynamic suspicion timeout (Dadgar et al. 2018, IV.A; memberlist's suspicion.go): a suspicion starts
// long and shrinks towards its floor as other members independently confirm it, so a lone, possibly unhealthy
// accuser cannot declare a member dead quickly, while a real failure seen by many is declared fast.
public import Primitives

/// The deadline of one suspicion and the confirmations that moved it.
public struct SuspicionTimer: Hashable, Sendable {
    /// When the suspicion started here.
    public let startedAt: Instant
    /// The floor: `suspicionMultiplier × max(1, log10(n)) × probeInterval`.
    public let timeoutTicksMin: Int64
    /// The start: `suspicionMaxTimeoutMultiplier ×` the floor.
    public let timeoutTicksMax: Int64
    /// k, the confirmations that bring the timeout down to its floor.
    public let confirmationsExpected: Int
    /// Members that accused independently, the first accuser included (kept sorted, STYLE.md pitfall 2).
    public private(set) var accusers: [NodeID]

    /// Starts a suspicion raised by `accuser`; with `confirmationsExpected` < 1 the deadline is the floor at once.
    public init(
        startedAt: Instant, accuser: NodeID, timeoutTicksMin: Int64, timeoutTicksMax: Int64, confirmationsExpected: Int
    ) {
        precondition(timeoutTicksMin > 0 && timeoutTicksMin <= timeoutTicksMax, "suspicion bounds are inverted")
        self.startedAt = startedAt
        self.timeoutTicksMin = timeoutTicksMin
        self.timeoutTicksMax = timeoutTicksMax
        self.confirmationsExpected = max(confirmationsExpected, 0)
        self.accusers = [accuser]
    }

    /// Confirmations beyond the first accuser.
    public var confirmationCount: Int { accusers.count - 1 }

    /// When the member is declared dead unless it refutes first.
    public var deadline: Instant {
        startedAt.advanced(
            byTicks: Self.timeoutTicks(
                confirmations: confirmationCount, expected: confirmationsExpected, ticksMin: timeoutTicksMin,
                ticksMax: timeoutTicksMax))
    }

    /// Records an accusation by `accuser`; true when it is new and moved the deadline (then the caller re-gossips
    /// it, as memberlist does). Confirmations past k change nothing.
    public mutating func confirm(by accuser: NodeID) -> Bool {
        guard confirmationCount < confirmationsExpected else { return false }
        let index = accusers.partitioningIndex { $0 >= accuser }
        guard index == accusers.count || accusers[index] != accuser else { return false }
        accusers.insert(accuser, at: index)
        return true
    }

    /// The timeout after `confirmations` of `expected`: max − (max − min) × log(c + 1) / log(k + 1), never below min
    /// (memberlist's remainingSuspicionTime, in whole milliseconds like it); the floor when k < 1.
    public static func timeoutTicks(confirmations: Int, expected: Int, ticksMin: Int64, ticksMax: Int64) -> Int64 {
        guard expected >= 1 else { return ticksMin }
        let fraction = Logarithm.natural(Double(confirmations) + 1) / Logarithm.natural(Double(expected) + 1)
        let raw = Double(ticksMax) - fraction * Double(ticksMax - ticksMin)
        let ticksPerMillisecond = Double(Instant.ticksPerSecond / 1_000)
        let timeout = Int64((raw / ticksPerMillisecond).rounded(.down) * ticksPerMillisecond)
        return max(timeout, ticksMin)
    }

    /// The floor for a region of `memberCount` members: `multiplier × max(1, log10(n)) × interval` (memberlist's
    /// suspicionTimeout, also in whole milliseconds).
    public static func timeoutTicksMin(multiplier: Int, memberCount: Int, probeIntervalTicks: Int64) -> Int64 {
        let scale = max(1, Logarithm.decimal(Double(max(1, memberCount))))
        let ticksPerMillisecond = Double(Instant.ticksPerSecond / 1_000)
        let raw = Double(multiplier) * scale * Double(probeIntervalTicks) / ticksPerMillisecond
        return max(Int64(raw.rounded(.down) * ticksPerMillisecond), 1)
    }
}
