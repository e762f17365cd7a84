// What one scenario run found: convergence, how fast each crash was detected, false suspicions and deaths, and the
// traffic, as values for checkers and as the deterministic text `tessera sim membership` prints.
import Membership
import Primitives

/// The outcome of a scenario run.
public struct MembershipScenarioReport: Sendable {
    /// One crash and how it was detected.
    public struct Detection: Hashable, Sendable {
        /// The crashed node.
        public let node: Int
        /// When it crashed, in seconds.
        public let atSeconds: Int
        /// What the reports show.
        public let detection: CrashDetection
    }

    /// The scenario that ran.
    public let scenario: MembershipScenario
    /// Whether at the end every running node saw exactly the running nodes alive.
    public let isConverged: Bool
    /// Nodes running at the end.
    public let runningCount: Int
    /// Each crash's detection.
    public let detections: [Detection]
    /// Suspicions of nodes that were up.
    public let falseSuspicionCount: Int
    /// Deaths declared of nodes that were up.
    public let falseDeathCount: Int
    /// What the network carried.
    public let network: SimNetworkCounters
    /// Events the simulator handled.
    public let eventCount: Int
    /// The run's trace digest (equal for equal runs).
    public let traceDigest: UInt64
    /// The simulation as it ended, for further checks.
    public let simulation: MembershipSimulation

    /// Summarizes `simulation`, which ran `scenario`.
    public init(scenario: MembershipScenario, simulation: MembershipSimulation) {
        self.scenario = scenario
        self.simulation = simulation
        isConverged = simulation.isConverged
        let running = simulation.runningNodes
        runningCount = running.count
        let endTicks = simulation.nowTicks
        let faults = simulation.observations.faults
        detections = scenario.crashes.map { crash in
            let crashTicks = Int64(crash.atSeconds) * Instant.ticksPerSecond
            let observers = running.filter { node in
                node != crash.node
                    && !faults.contains { $0.node == node && ($0.endTicks ?? Int64.max) >= crashTicks }
            }
            return Detection(
                node: crash.node, atSeconds: crash.atSeconds,
                detection: simulation.observations.detection(
                    subject: crash.node, crashTicks: crashTicks, untilTicks: endTicks, observers: observers))
        }
        let falseReports = simulation.observations.falseReports(
            graceTicks: Int64(MembershipScenario.graceSeconds) * Instant.ticksPerSecond)
        falseSuspicionCount = falseReports.suspicions
        falseDeathCount = falseReports.deaths
        network = simulation.network.counters
        eventCount = simulation.eventCount
        traceDigest = simulation.traceDigest
    }

    /// The summary, one fact per line, identical for identical runs.
    public var lines: [String] {
        func seconds(_ ticks: Int64?) -> String {
            guard let ticks else { return "never" }
            let milliseconds = ticks / 1_000
            return "\(milliseconds / 1_000).\(threeDigits(milliseconds % 1_000)) s"
        }
        let nodeSeconds = max(1, scenario.nodeCount * scenario.durationSeconds)
        var lines = [
            "scenario: \(scenario.replayCommand)",
            "converged: \(isConverged ? "yes" : "no") (\(runningCount) of \(scenario.nodeCount) nodes running)",
        ]
        for detection in detections {
            lines.append(
                "crash of node \(detection.node) at \(detection.atSeconds) s: first suspicion after "
                    + "\(seconds(detection.detection.firstSuspicionTicks)), dead everywhere after "
                    + "\(seconds(detection.detection.allDeadTicks))")
        }
        lines += [
            "false suspicions: \(falseSuspicionCount), false deaths: \(falseDeathCount)",
            "datagrams: \(network.datagramsSent) sent, \(network.datagramBytesSent) bytes "
                + "(\(network.datagramBytesSent / nodeSeconds) bytes per node per second), "
                + "\(network.datagramsLost) lost, \(network.datagramsCut) cut",
            "push-pull: \(network.streamsOpened) streams, \(network.streamBytesSent) bytes",
            "events: \(eventCount), trace \(String(traceDigest, radix: 16))",
        ]
        return lines
    }
}

/// `value` (0…999) as three digits with leading zeros.
private func threeDigits(_ value: Int64) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
}
