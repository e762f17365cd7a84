// The membership protocol in the simulator with fixed seeds: convergence, crash detection within the bound the
// configuration implies, a pause and its refutation, site partitions (both ways and one way), clock skew and drift,
// graceful leave, restart, and determinism. Each failure prints the seed and the `tessera sim` command that replays it.
import Membership
import Primitives
import Simulation
import Testing

@Suite("Membership simulation")
struct MembershipSimulationTests {
    // Goal: a region converges from a cold start whatever the seed. Method: 50 nodes join through 3 seeds, 60 virtual
    // seconds, for three seeds; every node sees all 50 alive, and nobody was suspected.
    @Test("50 nodes converge", arguments: [1, 2, 3] as [UInt64])
    func regionConverges(seed: UInt64) {
        let report = MembershipScenario(nodeCount: 50, seed: seed, durationSeconds: 60).run()
        report.expect(report.isConverged, "the region did not converge")
        report.expect(report.runningCount == 50, "not every node is running")
        report.expect(report.falseSuspicionCount == 0 && report.falseDeathCount == 0, "a healthy node was suspected")
        report.expect(report.simulation.decodeFailureCount == 0, "a datagram did not decode")
    }

    // Goal: a crash is detected by every live node within the bound the configuration implies. Method: 50 nodes,
    // node 7 crashes at 40 s; the bound is the first prober's worst case (every node probes every member once per
    // round of n periods), plus the longest suspicion (max multiplier × floor), plus 5 s to spread the news.
    @Test("a crashed node is declared dead by every live node within the bound", arguments: [4, 5] as [UInt64])
    func crashDetectedWithinBound(seed: UInt64) {
        var scenario = MembershipScenario(nodeCount: 50, seed: seed, durationSeconds: 160)
        scenario.crashes = [.init(node: 7, atSeconds: 40)]
        let report = scenario.run()
        let configuration = scenario.configuration
        let floorTicks = SuspicionTimer.timeoutTicksMin(
            multiplier: configuration.suspicionMultiplier, memberCount: 50,
            probeIntervalTicks: configuration.probeIntervalTicks)
        let boundTicks =
            Int64(50 + 1) * configuration.probeIntervalTicks
            + floorTicks * Int64(configuration.suspicionMaxTimeoutMultiplier) + 5 * Instant.ticksPerSecond
        let detection = report.detections[0].detection
        report.expect(detection.firstSuspicionTicks != nil, "nobody suspected the crashed node")
        report.expect((detection.allDeadTicks ?? .max) <= boundTicks, "not every node declared it dead in the bound")
        report.expect(report.isConverged, "the survivors do not agree")
        report.expect(report.falseDeathCount == 0, "a live node was declared dead")
    }

    // Goal: a node paused past its suspicion timeout is declared dead, refutes when it resumes, and is alive again
    // everywhere with a higher incarnation (SWIM §4.2). Method: 50 nodes, node 9 frozen from 40 s to 100 s; at 99 s
    // every other node has it dead; at 160 s all see it alive at its new incarnation.
    @Test("a paused node is declared dead, then refutes on resume with a higher incarnation")
    func pausedNodeRefutes() {
        var scenario = MembershipScenario(nodeCount: 50, seed: 6, durationSeconds: 160)
        scenario.pauses = [.init(node: 9, atSeconds: 40, untilSeconds: 100)]
        var simulation = scenario.makeSimulation()
        simulation.run(untilTicks: 99 * Instant.ticksPerSecond)
        let others = (0..<50).filter { $0 != 9 }
        let deadDuringPause = others.allSatisfy { simulation.status(of: 9, seenBy: $0) == .dead }
        simulation.run(untilTicks: 160 * Instant.ticksPerSecond)
        let report = MembershipScenarioReport(scenario: scenario, simulation: simulation)
        report.expect(deadDuringPause, "the paused node was not declared dead by every other node")
        report.expect(report.isConverged, "the resumed node is not alive everywhere")
        let incarnation = simulation.cores[9]?.localMember.incarnation ?? 0
        report.expect(incarnation > 1, "the resumed node did not raise its incarnation")
        let nodeID = simulation.topology.nodeIDs[9]
        report.expect(
            others.allSatisfy { simulation.cores[$0]?.members[nodeID]?.incarnation == incarnation },
            "not every node holds the refuting incarnation")
    }

    // Goal: a site cut off from the rest is declared dead on the other side (and the rest on its side), and the
    // region heals after the partition ends, even though it lasted past gossip-to-the-dead (the reconnect
    // push-pull). Method: 50 nodes, site 5 (5 nodes) cut both ways from 40 s to 130 s; checked at 129 s and 330 s.
    @Test("a partitioned site is declared dead across the cut and the region heals", arguments: [false, true])
    func sitePartitionHeals(isOneWay: Bool) {
        var scenario = MembershipScenario(nodeCount: 50, seed: isOneWay ? 8 : 7, durationSeconds: 330)
        scenario.sitePartition = .init(node: 5, atSeconds: 40, untilSeconds: 130)
        scenario.isOneWayPartition = isOneWay
        var simulation = scenario.makeSimulation()
        simulation.run(untilTicks: 129 * Instant.ticksPerSecond)
        let inside = simulation.topology.nodes(atSite: 5)
        let outside = (0..<50).filter { !inside.contains($0) }
        let siteDeadOutside = outside.allSatisfy { observer in
            inside.allSatisfy { simulation.status(of: $0, seenBy: observer) == .dead }
        }
        simulation.run(untilTicks: 330 * Instant.ticksPerSecond)
        let report = MembershipScenarioReport(scenario: scenario, simulation: simulation)
        report.expect(siteDeadOutside, "the rest of the region did not declare the cut-off site dead")
        report.expect(report.isConverged, "the region did not heal after the partition")
        report.expect(report.falseDeathCount == 0, "a node was declared dead outside the partition's window")
    }

    // Goal: one seed replays one run exactly; another seed gives another run. Method: a scenario with loss, a crash,
    // a pause and a restart, run twice with seed 9 and once with seed 10; compare trace digests and reports.
    @Test("the same seed replays the same trace, another seed differs")
    func determinism() {
        func scenario(seed: UInt64) -> MembershipScenario {
            var scenario = MembershipScenario(nodeCount: 30, seed: seed, durationSeconds: 120)
            scenario.lossPercent = 2
            scenario.crashes = [.init(node: 4, atSeconds: 30)]
            scenario.restarts = [.init(node: 4, atSeconds: 70)]
            scenario.pauses = [.init(node: 11, atSeconds: 50, untilSeconds: 62)]
            return scenario
        }
        let first = scenario(seed: 9).run()
        let second = scenario(seed: 9).run()
        let other = scenario(seed: 10).run()
        first.expect(first.traceDigest == second.traceDigest, "one seed gave two traces")
        first.expect(first.lines == second.lines, "one seed gave two reports")
        first.expect(
            first.simulation.observations.statusChanges == second.simulation.observations.statusChanges,
            "one seed gave two observation logs")
        first.expect(first.traceDigest != other.traceDigest, "two seeds gave one trace")
    }

    // Goal: skewed, drifting and jumping clocks cause no false suspicion or death (timers are relative; a forward
    // jump only brings deadlines closer). Method: 40 nodes with offsets in ±5 s and drift in ±500 ppm through the
    // scenario, then 40 nodes whose clocks also jump forward 2 s at staggered times; 300 s each.
    @Test("clock skew, drift and jumps cause no false deaths")
    func clockFaults() throws {
        var scenario = MembershipScenario(nodeCount: 40, seed: 11, durationSeconds: 300)
        scenario.clockSkewMilliseconds = 5_000
        scenario.clockDriftPPM = 500
        let report = scenario.run()
        report.expect(
            report.falseDeathCount == 0 && report.falseSuspicionCount == 0, "skew or drift raised a suspicion")
        report.expect(report.isConverged, "skewed clocks did not converge")

        let topology = SimTopology.standard(nodeCount: 40, seed: 12)
        var clocks: [SimClock] = []
        for node in 0..<40 {
            let jumpTicks: Int64 = Int64(60 + node * 4) * Instant.ticksPerSecond
            let driftPPM: Double = Double(node % 5) * 40 - 80
            let jump = SimClock.Jump(atTicks: jumpTicks, stepTicks: 2_000_000)
            clocks.append(try SimClock(offsetTicks: Int64(node) * 1_000, driftPPM: driftPPM, jumps: [jump]))
        }
        var simulation = MembershipSimulation(
            topology: topology, configuration: MembershipConfiguration(), clocks: clocks, seed: 12)
        simulation.startAll(seeds: [0, 1, 2], spacingTicks: 10_000)
        simulation.run(untilTicks: 300 * Instant.ticksPerSecond)
        let jumped = MembershipScenarioReport(
            scenario: MembershipScenario(nodeCount: 40, seed: 12, durationSeconds: 300), simulation: simulation)
        jumped.expect(jumped.falseDeathCount == 0, "a clock jump caused a false death")
        jumped.expect(jumped.isConverged, "clock jumps broke convergence")
    }

    // Goal: Vivaldi, fed by the simulated probes, learns the 3-territory latency matrix. Method: 60 nodes for 300 s;
    // the median relative error of the coordinates against the true mean RTTs (path + mean jitter) is below 0.15.
    @Test("Vivaldi learns the 3-territory latency matrix from probe round trips")
    func vivaldiAccuracy() {
        let scenario = MembershipScenario(nodeCount: 60, seed: 13, durationSeconds: 300)
        let report = scenario.run()
        let simulation = report.simulation
        let error = simulation.vivaldiMedianRelativeError()
        report.expect((error ?? 1) < 0.15, "Vivaldi's median relative error is \(error ?? -1)")
    }

    // Goal: a graceful leave is seen as left, never dead; a crashed node restarted comes back alive with a higher
    // incarnation. Method: 30 nodes; node 3 leaves at 40 s; node 6 crashes at 40 s and restarts at 90 s; at 200 s.
    @Test("a leave is seen as left, and a restarted node rejoins with a higher incarnation")
    func leaveAndRestart() {
        var scenario = MembershipScenario(nodeCount: 30, seed: 14, durationSeconds: 200)
        scenario.leaves = [.init(node: 3, atSeconds: 40)]
        scenario.crashes = [.init(node: 6, atSeconds: 40)]
        scenario.restarts = [.init(node: 6, atSeconds: 90)]
        let report = scenario.run()
        let simulation = report.simulation
        let others = (0..<30).filter { $0 != 3 && $0 != 6 }
        report.expect(others.allSatisfy { simulation.status(of: 3, seenBy: $0) == .left }, "the leave was not seen")
        report.expect(
            !simulation.observations.statusChanges.contains { $0.subject == 3 && $0.status != .left },
            "the leaving node was suspected or declared dead")
        report.expect(report.isConverged, "the restarted node is not alive everywhere")
        report.expect((simulation.cores[6]?.localMember.incarnation ?? 0) > 1, "the restart kept incarnation 1")
    }
}
