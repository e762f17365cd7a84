// `tessera sim membership …`: runs one membership scenario in the simulator (one thread, virtual time, every draw from
// the seed) and prints its summary, identical for identical arguments. A failing SimulationTests test prints the
// command line that replays it here.
import Posix
import Simulation

/// The sim subcommand.
enum SimCommand {
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(
            words,
            valued: [
                "nodes", "seed", "duration", "loss", "crash", "restart", "pause", "leave", "partition-site", "skew-ms",
                "drift-ppm",
            ],
            switches: ["memberlist", "one-way"])
        guard try arguments.single("simulation (membership)") == "membership" else {
            throw UsageError(description: "unknown simulation '\(arguments.positionals[0])': use membership")
        }
        var scenario = MembershipScenario(
            nodeCount: try arguments.integer("nodes", in: 1...4_096) ?? 50,
            seed: UInt64(try arguments.integer("seed", in: 0...Int.max) ?? 1),
            durationSeconds: try arguments.integer("duration", in: 1...86_400) ?? 120)
        if let loss = arguments.value("loss") {
            guard let percent = Double(loss), percent >= 0, percent <= 100 else {
                throw UsageError(description: "--loss must be a percentage from 0 to 100, got '\(loss)'")
            }
            scenario.lossPercent = percent
        }
        scenario.isMemberlist = arguments.flag("memberlist")
        scenario.crashes = try actions(arguments, "crash", nodeCount: scenario.nodeCount)
        scenario.restarts = try actions(arguments, "restart", nodeCount: scenario.nodeCount)
        scenario.pauses = try actions(arguments, "pause", nodeCount: scenario.nodeCount)
        scenario.leaves = try actions(arguments, "leave", nodeCount: scenario.nodeCount)
        let siteCount = SimTopology.standard(nodeCount: 1, seed: 0).sites.count
        let partitions = try actions(arguments, "partition-site", nodeCount: siteCount)
        guard partitions.count <= 1 else { throw UsageError(description: "--partition-site takes one SITE@FROM-UNTIL") }
        scenario.sitePartition = partitions.first
        scenario.isOneWayPartition = arguments.flag("one-way")
        scenario.clockSkewMilliseconds = try arguments.integer("skew-ms", in: 0...3_600_000) ?? 0
        scenario.clockDriftPPM = try arguments.integer("drift-ppm", in: 0...10_000) ?? 0
        Console.output(scenario.run().lines.joined(separator: "\n") + "\n")
    }

    /// The comma-separated `NODE@SECONDS` or `NODE@FROM-UNTIL` list of `--name`, each node below `nodeCount`.
    private static func actions(_ arguments: Arguments, _ name: String, nodeCount: Int) throws(UsageError)
        -> [MembershipScenario.NodeAction]
    {
        guard let text = arguments.value(name) else { return [] }
        var actions: [MembershipScenario.NodeAction] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "@", maxSplits: 1)
            let times = parts.count == 2 ? parts[1].split(separator: "-", maxSplits: 1) : []
            guard parts.count == 2, let node = Int(parts[0]), node >= 0, node < nodeCount, !times.isEmpty,
                let start = Int(times[0]), start >= 0
            else {
                throw UsageError(
                    description: "--\(name) wants INDEX@SECONDS or INDEX@FROM-UNTIL with an index below \(nodeCount), "
                        + "got '\(item)'")
            }
            var action = MembershipScenario.NodeAction(node: node, atSeconds: start)
            if times.count == 2 {
                guard let until = Int(times[1]), until > start else {
                    throw UsageError(description: "--\(name) '\(item)' must end after it starts")
                }
                action.untilSeconds = until
            }
            actions.append(action)
        }
        return actions
    }
}
