// What a simulation saw, for checkers: every status change each node reported about another (with the true time),
// and the faults injected (the truth the reports are judged against). Appended only on changes, so it stays small
// even for thousands of nodes over an hour.
public import Membership

/// One node's report that another node's status changed.
public struct StatusObservation: Hashable, Sendable {
    /// True time of the report, in ticks.
    public let trueTicks: Int64
    /// The node that changed its view.
    public let observer: Int
    /// The node whose status changed.
    public let subject: Int
    /// The new status.
    public let status: MemberStatus
    /// The subject's incarnation in the report.
    public let incarnation: UInt64
}

/// A fault injected into one node, from its start to its end (nil while it lasts).
public struct FaultRecord: Hashable, Sendable {
    /// What kind of fault.
    public enum Kind: String, Hashable, Sendable {
        /// Stopped and lost its state (ends when it restarts).
        case crash
        /// Frozen (ends when it resumes).
        case pause
        /// Left gracefully and stopped (never ends).
        case leave
    }

    /// The node.
    public let node: Int
    /// The kind.
    public let kind: Kind
    /// When it started, in true ticks.
    public let startTicks: Int64
    /// When it ended, if it did.
    public var endTicks: Int64?
}

/// Crash detection as the reports show it.
public struct CrashDetection: Hashable, Sendable {
    /// Ticks from the crash to the first report of suspect or dead by any node, nil if none came.
    public let firstSuspicionTicks: Int64?
    /// Ticks from the crash until every given observer reported it dead, nil if one never did.
    public let allDeadTicks: Int64?
}

/// The record of a run.
public struct SimObservations: Sendable {
    /// Status changes in the order they happened.
    public internal(set) var statusChanges: [StatusObservation] = []
    /// Faults in the order they started.
    public internal(set) var faults: [FaultRecord] = []
    /// Partitions as (start, end) in true ticks, end nil while the cut stands.
    public internal(set) var partitions: [(startTicks: Int64, endTicks: Int64?)] = []

    /// The first time `observer` reported `subject` with `status` at or after `afterTicks`.
    public func firstReport(of status: MemberStatus, subject: Int, observer: Int, afterTicks: Int64 = 0) -> Int64? {
        statusChanges.first {
            $0.trueTicks >= afterTicks && $0.subject == subject && $0.observer == observer && $0.status == status
        }?.trueTicks
    }

    /// How fast a crash of `subject` at `crashTicks` was detected by `observers` (reports before `untilTicks`).
    public func detection(subject: Int, crashTicks: Int64, untilTicks: Int64, observers: [Int]) -> CrashDetection {
        var firstSuspicion: Int64?
        var firstDead: [Int: Int64] = [:]
        for change in statusChanges
        where change.subject == subject && change.trueTicks >= crashTicks && change.trueTicks < untilTicks {
            if change.status == .suspect || change.status == .dead {
                firstSuspicion = min(firstSuspicion ?? change.trueTicks, change.trueTicks)
            }
            if change.status == .dead, firstDead[change.observer] == nil {
                firstDead[change.observer] = change.trueTicks
            }
        }
        var allDead: Int64? = crashTicks
        for observer in observers {
            guard let dead = firstDead[observer], let latest = allDead else {
                allDead = nil
                break
            }
            allDead = max(latest, dead)
        }
        return CrashDetection(
            firstSuspicionTicks: firstSuspicion.map { $0 - crashTicks }, allDeadTicks: allDead.map { $0 - crashTicks })
    }

    /// Suspicions and deaths declared of nodes that were up, from `fromTicks` on: each (node, incarnation, status)
    /// counts once however many nodes reported it, and not while the node was inside a fault nor within
    /// `graceTicks` after one ended (news of a fault still spreading, or a paused node's suspicions settling, are
    /// not false), nor while a partition stands or within `graceTicks` after it healed (a cut makes suspicion the
    /// right answer on both sides).
    public func falseReports(graceTicks: Int64, fromTicks: Int64 = 0) -> (suspicions: Int, deaths: Int) {
        var faultsByNode: [Int: [FaultRecord]] = [:]
        for fault in faults { faultsByNode[fault.node, default: []].append(fault) }
        var counted: Set<FalseReport> = []
        for change in statusChanges
        where change.trueTicks >= fromTicks && (change.status == .suspect || change.status == .dead) {
            let excused = faultsByNode[change.subject, default: []].contains { fault in
                change.trueTicks >= fault.startTicks
                    && change.trueTicks <= (fault.endTicks.map { $0 + graceTicks } ?? Int64.max)
            }
            let isPartitioned = partitions.contains { partition in
                change.trueTicks >= partition.startTicks
                    && change.trueTicks <= (partition.endTicks.map { $0 + graceTicks } ?? Int64.max)
            }
            guard !excused, !isPartitioned else { continue }
            counted.insert(FalseReport(subject: change.subject, incarnation: change.incarnation, status: change.status))
        }
        let deaths = counted.count { $0.status == .dead }
        return (counted.count - deaths, deaths)
    }
}

/// One false suspicion or death: a node, its incarnation, and what it was declared.
private struct FalseReport: Hashable {
    let subject: Int
    let incarnation: UInt64
    let status: MemberStatus
}
