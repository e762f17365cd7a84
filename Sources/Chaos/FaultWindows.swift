// When a run was under a fault, from its history alone: each nemesis action that starts something (a kill, a pause,
// a cut, a shape, a full disk, a skewed clock) lasts until the action that ends it for the same targets, or until
// the run's final heal; an action that is over at once (bit flips, a removed volume, a restart, a same-study write)
// counts from its start to its end. Each window is stretched by the time the region takes to settle, so a read
// just after a heal counts as during the fault. Pure, so the report's split of latencies is testable.

/// The stretches of a run that were under a fault, in wall-clock milliseconds.
public struct FaultWindows: Sendable, Equatable {
    /// Milliseconds a window lasts past the action that ended it.
    public static let settleMilliseconds: Int64 = 10_000
    /// The nemesis action the runner records when it ends every fault at the end of the run.
    public static let healEverything = "heal-everything"

    /// The windows, as (start, end) pairs, in the order their faults started.
    public let windows: [ClosedRange<Int64>]

    /// The windows of `history`'s nemesis lines.
    public init(history: [ChaosOperation]) {
        let nemesis = history.filter { $0.kind == .nemesis }
        let finalHeal = nemesis.last { $0.action == Self.healEverything }?.endMilliseconds
        var windows: [ClosedRange<Int64>] = []
        for (index, operation) in nemesis.enumerated() {
            guard let action = operation.action.flatMap(ChaosFault.Action.init(rawValue:)) else { continue }
            let settle = Self.settleMilliseconds
            if let ending = Self.endings[action] {
                let closer = nemesis[(index + 1)...].first { later in
                    guard let next = later.action else { return false }
                    if next == Self.healEverything { return true }
                    guard ending.contains(next) else { return false }
                    // A heal without sides ends every cut; a skew ends when the node's clock is set right.
                    if next == ChaosFault.Action.heal.rawValue && later.targets.isEmpty { return true }
                    if action == .skewClock { return later.targets == operation.targets && later.detail == "0 s" }
                    return later.targets == operation.targets
                }
                if action == .skewClock && operation.detail == "0 s" { continue }
                let end = closer?.endMilliseconds ?? finalHeal ?? operation.endMilliseconds
                windows.append(operation.startMilliseconds...(max(end, operation.startMilliseconds) + settle))
            } else if Self.instant.contains(action) {
                windows.append(operation.startMilliseconds...(operation.endMilliseconds + settle))
            }
        }
        self.windows = windows
    }

    /// The actions that end each lasting action.
    static let endings: [ChaosFault.Action: Set<String>] = [
        .kill: [ChaosFault.Action.start.rawValue], .pause: [ChaosFault.Action.resume.rawValue],
        .partition: [ChaosFault.Action.heal.rawValue], .partitionOneWay: [ChaosFault.Action.heal.rawValue],
        .shape: [ChaosFault.Action.clearShape.rawValue], .fillDisk: [ChaosFault.Action.freeDisk.rawValue],
        .skewClock: [ChaosFault.Action.skewClock.rawValue],
    ]

    /// The actions that are over once done.
    static let instant: Set<ChaosFault.Action> = [.flipBits, .removeVolume, .restart, .sameStudy]

    /// Whether an operation from `start` to `end` overlaps a window.
    public func contains(start: Int64, end: Int64) -> Bool {
        windows.contains { $0.lowerBound <= end && start <= $0.upperBound }
    }
}
