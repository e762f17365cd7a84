// The faults a scenario can inject into a membership simulation at a given true time: node faults (crash, pause,
// resume, restart, graceful leave) and network partitions (directed cuts, heal).

/// A fault or repair the simulator carries out at its scheduled time.
public enum SimFault: Hashable, Sendable {
    /// The node stops and loses its state (kill -9).
    case crash(Int)
    /// The node freezes: nothing is delivered to it or fired until it resumes (SIGSTOP).
    case pause(Int)
    /// A paused node resumes; what arrived meanwhile is handled now, its timers late (SIGCONT).
    case resume(Int)
    /// A crashed node starts again: a fresh core with the same node id, joining through `seeds`.
    case restart(Int, seeds: [Int])
    /// The node leaves gracefully, then stops `SimRun.leaveLingerTicks` later.
    case leave(Int)
    /// Datagrams and streams from any of `from` to any of `to` are cut (one way).
    case cut(from: [Int], to: [Int])
    /// Every cut is healed.
    case healPartitions
}
