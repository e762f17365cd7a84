// Whole-cluster behaviour of MembershipCore on the test network: join, crash detection, pause and refutation, leave,
// metadata spread and determinism, each with fixed seeds and virtual time (STYLE.md, "Testing").
import Membership
import Primitives
import Testing

private func seconds(_ value: Int64) -> Instant { Instant(ticks: value * Instant.ticksPerSecond) }

/// Starts `count` nodes 10 ms apart, all joining through `seeds`, and runs until `time`.
private func convergedNetwork(count: Int, seed: UInt64, seeds: [Int] = [0], until time: Instant)
    -> MembershipTestNetwork
{
    var network = MembershipTestNetwork(count: count, seed: seed)
    for node in 0..<count { network.start(node, seeds: seeds, at: Instant(ticks: Int64(node) * 10_000)) }
    network.run(until: time)
    return network
}

/// Whether every live node sees every node in `expected` alive and no other member alive.
private func allSeeAlive(_ network: MembershipTestNetwork, nodes expected: [Int]) -> Bool {
    expected.allSatisfy { observer in
        let alive = network.cores[observer].members.values.filter { $0.status == .alive }.map(\.nodeID).sorted()
        return alive == expected.map(MembershipTestNetwork.nodeID)
    }
}

@Suite("Membership cluster")
struct MembershipClusterTests {
    // Goal: nodes that all join through one seed converge to the full member list. Method: N nodes, seed node 0,
    // 40 virtual seconds, then every node's alive set must be all N.
    @Test("nodes joining through one seed converge", arguments: [5, 20, 50])
    func joinThroughOneSeed(count: Int) {
        let network = convergedNetwork(count: count, seed: 11, until: seconds(40))
        #expect(allSeeAlive(network, nodes: Array(0..<count)))
        #expect(network.cores.allSatisfy { $0.isJoined })
    }

    // Goal: a down seed does not stop a join. Method: seeds are nodes 0 and 1, node 0 never runs; the others must
    // converge without it (they keep retrying node 0 with backoff, and node 1 answers).
    @Test("nodes converge when the first seed is down")
    func joinWithFirstSeedDown() {
        var network = MembershipTestNetwork(count: 12, seed: 12)
        network.crash(0)
        for node in 1..<12 { network.start(node, seeds: [0, 1], at: Instant(ticks: Int64(node) * 10_000)) }
        network.run(until: seconds(40))
        #expect(allSeeAlive(network, nodes: Array(1..<12)))
        #expect(network.cores[5].pushPullFailureCount >= 1)
    }

    // Goal: a crashed node is suspected, then declared dead by every other node within the bound the configuration
    // implies: one probe round (n periods) + the longest suspicion (max multiplier × floor) + spreading slack.
    // Method: 10 nodes converge, node 3 crashes at 40 s; check suspicion comes before death and both by the bound.
    @Test("a crashed node is suspected then declared dead by all within the bound")
    func crashDetected() {
        var network = convergedNetwork(count: 10, seed: 13, until: seconds(40))
        network.crash(3)
        let configuration = MembershipConfiguration()
        let floorTicks = SuspicionTimer.timeoutTicksMin(
            multiplier: configuration.suspicionMultiplier, memberCount: 10,
            probeIntervalTicks: configuration.probeIntervalTicks)
        let boundTicks =
            10 * configuration.probeIntervalTicks + floorTicks * Int64(configuration.suspicionMaxTimeoutMultiplier)
            + 5 * Instant.ticksPerSecond
        network.run(until: seconds(40).advanced(byTicks: boundTicks))
        for observer in 0..<10 where observer != 3 {
            #expect(network.status(of: 3, seenBy: observer) == .dead)
            let suspected = network.firstReport(of: .suspect, subject: 3, observer: observer)
            let dead = network.firstReport(of: .dead, subject: 3, observer: observer)
            #expect(suspected != nil && dead != nil && suspected! <= dead!)
        }
        for observer in 0..<10 where observer != 3 {
            for subject in 0..<10 where subject != 3 {
                #expect(network.status(of: subject, seenBy: observer) == .alive)
            }
        }
    }

    // Goal: a node paused past its suspicion timeout refutes when it resumes and is alive again everywhere, with a
    // higher incarnation (SWIM §4.2). Method: 8 nodes, node 2 frozen from 40 s to 80 s (long enough to be declared
    // dead), then run to 150 s.
    @Test("a paused node that resumes refutes and comes back alive with a higher incarnation")
    func pausedNodeRefutes() {
        var network = convergedNetwork(count: 8, seed: 14, until: seconds(40))
        network.pause(2, until: seconds(80))
        network.run(until: seconds(80))
        #expect((0..<8).filter { $0 != 2 }.allSatisfy { network.status(of: 2, seenBy: $0) == .dead })
        network.run(until: seconds(150))
        #expect(allSeeAlive(network, nodes: Array(0..<8)))
        let incarnation = network.cores[2].localMember.incarnation
        #expect(incarnation > 1)
        #expect(
            (0..<8).allSatisfy {
                network.cores[$0].members[MembershipTestNetwork.nodeID(2)]?.incarnation == incarnation
            })
    }

    // Goal: a graceful leave is seen as left, never as dead. Method: 10 nodes, node 4 leaves at 40 s and stops 1 s
    // later; at 50 s every other node has it left and none ever reported it suspect or dead.
    @Test("a graceful leave is seen as left")
    func gracefulLeave() {
        var network = convergedNetwork(count: 10, seed: 15, until: seconds(40))
        network.schedule(.leaveRequested, node: 4, at: seconds(40))
        network.run(until: seconds(41))
        network.crash(4)
        network.run(until: seconds(50))
        for observer in 0..<10 where observer != 4 {
            #expect(network.status(of: 4, seenBy: observer) == .left)
            #expect(network.firstReport(of: .dead, subject: 4, observer: observer) == nil)
        }
    }

    // Goal: a metadata change spreads to every member. Method: node 1 publishes a new software version at 40 s;
    // at 50 s every node holds it.
    @Test("a metadata change spreads")
    func metadataSpreads() {
        var network = convergedNetwork(count: 20, seed: 16, until: seconds(40))
        let changed = MembershipTestNetwork.metadata(index: 1, version: 2, software: "1.1.0")
        network.schedule(.metadataChanged(changed), node: 1, at: seconds(40))
        network.run(until: seconds(50))
        for observer in 0..<20 {
            #expect(network.cores[observer].members[MembershipTestNetwork.nodeID(1)]?.metadata == changed)
        }
    }

    // Goal: runs replay. Method: the same scenario with the same seed twice gives identical effect logs, and a
    // different seed a different one.
    @Test("the same seed gives the same effects")
    func determinism() {
        func scenario(seed: UInt64) -> [MembershipTestNetwork.Logged] {
            var network = convergedNetwork(count: 8, seed: seed, until: seconds(20))
            network.crash(5)
            network.run(until: seconds(40))
            return network.log
        }
        let first = scenario(seed: 17)
        #expect(first == scenario(seed: 17))
        #expect(first != scenario(seed: 18))
    }

    // Goal: probes feed Vivaldi. Method: after convergence, every node has reported round trips within the test
    // network's delay bounds (2 × 0.5…3.5 ms).
    @Test("direct probes report round-trip times")
    func roundTripsReported() {
        let network = convergedNetwork(count: 5, seed: 19, until: seconds(20))
        let samples = network.log.compactMap { entry -> Int64? in
            if case .roundTripMeasured(_, let ticks, _) = entry.effect { return ticks }
            return nil
        }
        #expect(samples.count > 20)
        #expect(samples.allSatisfy { $0 >= 1_000 && $0 <= 7_000 })
    }
}
