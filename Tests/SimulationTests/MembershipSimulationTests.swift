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
}
