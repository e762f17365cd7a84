// One membership simulation described by plain values — nodes, seed, duration, loss, crashes, pauses, restarts,
// leaves, a site partition, clock skew — so a test, `tessera sim membership` and the bench run the same thing, and a
// failing test can print the one command that replays it.
public import Membership
import Primitives

/// A membership scenario: what to run, and the command line that replays it.
public struct MembershipScenario: Hashable, Sendable {
    /// Something that happens to one node at a time, in whole seconds of true time.
    public struct NodeAction: Hashable, Sendable {
        /// The node index.
        public var node: Int
        /// When, in seconds since the first node started.
        public var atSeconds: Int
        /// When it ends (a pause's resume, a partition's heal), if it has an end.
        public var untilSeconds: Int?

        /// Makes an action.
        public init(node: Int, atSeconds: Int, untilSeconds: Int? = nil) {
            self.node = node
            self.atSeconds = atSeconds
            self.untilSeconds = untilSeconds
        }
    }

    /// Nodes in the region (the standard 3-territory, 12-site topology).
    public var nodeCount: Int
    /// The seed of every draw.
    public var seed: UInt64
    /// Virtual seconds to run.
    public var durationSeconds: Int
    /// Datagram loss, in percent.
    public var lossPercent: Double = 0
    /// Whether the nodes run memberlist's LAN settings instead of Tessera's.
    public var isMemberlist = false
    /// Crashes (kill -9).
    public var crashes: [NodeAction] = []
    /// Restarts of crashed nodes.
    public var restarts: [NodeAction] = []
    /// Pauses, each with its resume time.
    public var pauses: [NodeAction] = []
    /// Graceful leaves.
    public var leaves: [NodeAction] = []
    /// A site cut off from the rest (`node` is the site index) from `atSeconds` until `untilSeconds`.
    public var sitePartition: NodeAction?
    /// Whether the site partition cuts only the site's outgoing direction (the rest still reaches it).
    public var isOneWayPartition = false
    /// Largest clock offset, in milliseconds, each node drawing its own in ±this.
    public var clockSkewMilliseconds = 0
    /// Largest clock drift, in ppm, each node drawing its own in ±this.
    public var clockDriftPPM = 0
    /// Reports within this many seconds after a fault ends are not counted as false.
    public static let graceSeconds = 60

    /// Makes a scenario with no faults.
    public init(nodeCount: Int, seed: UInt64, durationSeconds: Int) {
        self.nodeCount = nodeCount
        self.seed = seed
        self.durationSeconds = durationSeconds
    }

    /// The protocol configuration the nodes run.
    public var configuration: MembershipConfiguration { isMemberlist ? .memberlistLAN : MembershipConfiguration() }

    /// The `tessera sim membership` command that replays this scenario.
    public var replayCommand: String {
        var words = ["tessera sim membership --nodes \(nodeCount) --seed \(seed) --duration \(durationSeconds)"]
        if lossPercent > 0 { words.append("--loss \(lossPercent)") }
        if isMemberlist { words.append("--memberlist") }
        func list(_ actions: [NodeAction]) -> String {
            actions.map { "\($0.node)@\($0.atSeconds)" + ($0.untilSeconds.map { "-\($0)" } ?? "") }.joined(
                separator: ",")
        }
        if !crashes.isEmpty { words.append("--crash \(list(crashes))") }
        if !restarts.isEmpty { words.append("--restart \(list(restarts))") }
        if !pauses.isEmpty { words.append("--pause \(list(pauses))") }
        if !leaves.isEmpty { words.append("--leave \(list(leaves))") }
        if let sitePartition { words.append("--partition-site \(list([sitePartition]))") }
        if isOneWayPartition { words.append("--one-way") }
        if clockSkewMilliseconds > 0 { words.append("--skew-ms \(clockSkewMilliseconds)") }
        if clockDriftPPM > 0 { words.append("--drift-ppm \(clockDriftPPM)") }
        return words.joined(separator: " ")
    }

    /// The simulation with every node and fault scheduled, not yet run.
    public func makeSimulation() -> MembershipSimulation {
        let topology = SimTopology.standard(nodeCount: nodeCount, seed: seed)
        var network = SimNetworkConfiguration.clean
        network.lossRate = lossPercent / 100
        var simulation = MembershipSimulation(
            topology: topology, configuration: configuration, network: network, clocks: makeClocks(), seed: seed)
        let seeds = Array(0..<min(3, nodeCount))
        simulation.startAll(seeds: seeds, spacingTicks: 10_000)
        let second = Instant.ticksPerSecond
        for crash in crashes { simulation.inject(.crash(crash.node), atTicks: Int64(crash.atSeconds) * second) }
        for restart in restarts {
            simulation.inject(.restart(restart.node, seeds: seeds), atTicks: Int64(restart.atSeconds) * second)
        }
        for pause in pauses {
            simulation.inject(.pause(pause.node), atTicks: Int64(pause.atSeconds) * second)
            if let until = pause.untilSeconds { simulation.inject(.resume(pause.node), atTicks: Int64(until) * second) }
        }
        for leave in leaves { simulation.inject(.leave(leave.node), atTicks: Int64(leave.atSeconds) * second) }
        if let partition = sitePartition {
            let inside = topology.nodes(atSite: partition.node)
            let outside = (0..<nodeCount).filter { topology.siteOfNode[$0] != partition.node }
            simulation.inject(.cut(from: inside, to: outside), atTicks: Int64(partition.atSeconds) * second)
            if !isOneWayPartition {
                simulation.inject(.cut(from: outside, to: inside), atTicks: Int64(partition.atSeconds) * second)
            }
            if let until = partition.untilSeconds {
                simulation.inject(.healPartitions, atTicks: Int64(until) * second)
            }
        }
        return simulation
    }

    /// Runs the scenario to its end and reports.
    public func run() -> MembershipScenarioReport {
        var simulation = makeSimulation()
        simulation.run(untilTicks: Int64(durationSeconds) * Instant.ticksPerSecond)
        return MembershipScenarioReport(scenario: self, simulation: simulation)
    }

    /// Each node's clock: offsets and drifts drawn from the seed within the scenario's bounds.
    private func makeClocks() -> [SimClock]? {
        guard clockSkewMilliseconds > 0 || clockDriftPPM > 0 else { return nil }
        var random = SeededRandom(seed: seed ^ 0x636C_6F63_6B73)
        func draw(_ bound: Int) -> Int64 {
            bound == 0 ? 0 : Int64(random.next() % UInt64(2 * bound + 1)) - Int64(bound)
        }
        return (0..<nodeCount).map { _ in
            let offset = draw(clockSkewMilliseconds) * 1_000
            let drift = Double(draw(clockDriftPPM))
            guard let clock = try? SimClock(offsetTicks: offset, driftPPM: drift) else { return .exact }
            return clock
        }
    }
}
