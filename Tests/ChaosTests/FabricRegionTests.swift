// Goal: the real proof of the fabric: nine `tessera node` processes of the Grand Est topology, each in its own
// namespace with its own address, converge over the fabric; cutting one site (Strasbourg, two nodes) from the rest
// makes each side mark the other dead within the bound the timings imply; healing brings every member back alive
// within 20 s (the reconnect push-pull to dead members).
// Method: one cluster key, short timings as in ProcessTests' ClusterProcessTests, the nodes' /admin/members read
// by a Python client in the fabric's own namespace (the observer, which the cut does not touch). In the fabric
// suite, because `chaos net down` there removes every run's namespaces.
import Chaos
import Foundation
import Membership
import Posix
import Primitives
import TestSupport
import Testing

extension NetworkFabricTests {
    static let adminToken = "admin-token-0123456789abcdef"
    static let probeIntervalMilliseconds = 200
    static let suspicionMultiplier = 4
    static let suspicionMaxTimeoutMultiplier = 3
    static let httpPort = 8080
    static let gossipPort = 7946

    /// The longest from a cut until each side has declared the other dead, in seconds: ClusterProcessTests' bound
    /// for one crash (a round of probes of the n−1 others, the longest suspicion, slack for dissemination), with the
    /// round of probes stretched by the local health multiplier at its ceiling: the smaller side's failed probes
    /// raise it (Lifeguard IV.A), and it multiplies the probe interval and timeout (not the suspicion).
    static var cutDeadBoundSeconds: Double {
        let probe = Double(probeIntervalMilliseconds) / 1000
        let suspicionMax = Double(suspicionMultiplier * suspicionMaxTimeoutMultiplier) * probe
        return 9 * probe * Double(MembershipConfiguration().awarenessMax) + suspicionMax + 4
    }

    /// Fetches every node's /admin/members from the observer; prints one JSON object of node name → report.
    static let membersScript = """
        import json, sys, urllib.request
        reports = {}
        for pair in sys.argv[2:]:
            name, address = pair.split("=")
            request = urllib.request.Request("http://" + address + "/admin/members",
                                             headers={"Authorization": "Bearer " + sys.argv[1]})
            try:
                reports[name] = json.load(urllib.request.urlopen(request, timeout=2))
            except Exception as error:
                reports[name] = {"error": str(error)}
        print(json.dumps(reports))
        """

    /// Each node's view: member node id → state, and whether it has joined.
    struct RegionView {
        let nodeIDs: [String: String]
        let states: [String: [String: String]]
        let joined: [String: Bool]
    }

    static func regionView(_ fabric: NetworkFabric) async throws -> RegionView {
        let pairs = try fabric.layout.nodes.map { "\($0.name)=\(try fabric.layout.address(of: $0.name)):\(httpPort)" }
        let outcome = try await onOwnedThread {
            try fabric.run(
                in: nil, executable: FabricHarness.python, arguments: ["-c", membersScript, adminToken] + pairs)
        }
        guard let reports = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any] else {
            throw EchoFailure(description: "the members client printed \(outcome.output) \(outcome.errorOutput)")
        }
        var nodeIDs: [String: String] = [:]
        var states: [String: [String: String]] = [:]
        var joined: [String: Bool] = [:]
        for (name, value) in reports {
            guard let report = value as? [String: Any] else { continue }
            nodeIDs[name] = report["nodeID"] as? String
            joined[name] = report["joined"] as? Bool ?? false
            var rows: [String: String] = [:]
            for member in report["members"] as? [[String: Any]] ?? [] {
                if let id = member["nodeID"] as? String { rows[id] = member["state"] as? String }
            }
            states[name] = rows
        }
        return RegionView(nodeIDs: nodeIDs, states: states, joined: joined)
    }

    /// Polls every 250 ms for up to `seconds` until `condition` holds; the last view either way.
    static func eventually(
        _ fabric: NetworkFabric, seconds: Double, _ condition: (RegionView) -> Bool
    ) async throws -> (met: Bool, view: RegionView) {
        let end = Date().addingTimeInterval(seconds)
        var view = try await regionView(fabric)
        while !condition(view) && Date() < end {
            try await Task.sleep(nanoseconds: 250_000_000)
            view = try await regionView(fabric)
        }
        return (condition(view), view)
    }

    /// Writes node `node`'s config and starts it in its namespace.
    static func startNode(
        _ node: TopologyNode, fabric: NetworkFabric, directory: TemporaryDirectory, keyFile: String, seed: String?
    ) throws -> ChildProcess {
        let address = try fabric.layout.address(of: node.name)
        let config = directory.appending("\(node.name).json")
        let seeds = seed.map { "\"\($0)\"" } ?? ""
        let text = """
            {"dataDirectory": "data-\(node.name)", "http": "\(address):\(httpPort)", "volumeCount": 3,
             "erasureCode": {"dataShardCount": 2, "parityShardCount": 1}, "site": "\(node.site.name)",
             "readCacheBytes": 0, "tokens": [{"name": "admin", "token": "\(adminToken)", "role": "admin"}],
             "limits": {"shutdownTimeoutSeconds": 2},
             "cluster": {"territory": "\(node.territory.name)", "gossip": "\(address):\(gossipPort)",
                         "seeds": [\(seeds)], "keyFile": "\(keyFile)",
                         "probeIntervalMilliseconds": \(probeIntervalMilliseconds), "probeTimeoutMilliseconds": 100,
                         "suspicionMultiplier": \(suspicionMultiplier),
                         "suspicionMaxTimeoutMultiplier": \(suspicionMaxTimeoutMultiplier),
                         "gossipIntervalMilliseconds": 50, "pushPullIntervalSeconds": 2, "reapAfterSeconds": 600}}
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        return try fabric.start(
            in: node.name, executable: TesseraBinary.path, arguments: ["node", "--config", config],
            logDirectory: directory.path)
    }

    @Test("nine nodes in namespaces converge; a cut site and the rest see each other dead in the bound; heal revives")
    func regionAcrossTheFabric() async throws {
        let directory = TemporaryDirectory()
        let topology = try Topology.load(path: TopologyTests.grandEstPath)
        let fabric = try await FabricHarness.up(topology.nodes, in: directory)
        defer { try? fabric.down() }
        let keyFile = directory.appending("cluster.key")
        let created = try await TesseraBinary.run(["cluster", "key", "new", keyFile])
        try #require(created.status == 0, "\(created.errorOutput)")

        let founder = try fabric.layout.address(of: topology.nodes[0].name) + ":\(Self.gossipPort)"
        let nodes = try await onOwnedThread {
            var started: [ChildProcess] = []
            for (index, node) in topology.nodes.enumerated() {
                started.append(
                    try Self.startNode(
                        node, fabric: fabric, directory: directory, keyFile: keyFile, seed: index == 0 ? nil : founder))
            }
            for child in started { _ = try child.waitForLine(containing: "/dicom-web", seconds: 60) }
            return started
        }
        defer { for node in nodes { node.stop(graceSeconds: 0) } }

        let converged = try await Self.eventually(fabric, seconds: 30) { view in
            view.states.count == 9 && view.joined.values.allSatisfy { $0 }
                && view.states.values.allSatisfy { $0.count == 9 && $0.values.allSatisfy { $0 == "alive" } }
        }
        try #require(converged.met, "not converged: \(converged.view.states)")
        let ids = converged.view.nodeIDs

        // Cut Strasbourg from the rest: each side marks every member of the other dead.
        let (strasbourg, rest) = try HostSelection.sides("strasbourg", "rest", in: topology.nodes)
        let cutAt = Date()
        try await onOwnedThread { try fabric.partition(strasbourg, rest) }
        let split = try await Self.eventually(fabric, seconds: Self.cutDeadBoundSeconds) { view in
            let seenDead = { (observers: [String], others: [String]) in
                observers.allSatisfy { observer in
                    others.allSatisfy { other in
                        ids[other].flatMap { view.states[observer]?[$0] } == "dead"
                    }
                }
            }
            return seenDead(rest, strasbourg) && seenDead(strasbourg, rest)
        }
        let splitSeconds = Date().timeIntervalSince(cutAt)
        #expect(split.met, "after \(splitSeconds) s: \(split.view.states)")
        // Nobody on one side ever marks a member of its own side dead.
        for side in [strasbourg, rest] {
            for observer in side {
                for member in side { #expect(ids[member].flatMap { split.view.states[observer]?[$0] } != "dead") }
            }
        }

        // Heal: every member comes back alive everywhere. Once the deaths have spread nothing is queued to gossip, so
        // what merges the sides is the reconnect push-pull each node sends to a dead member (Serf's reconnect, with
        // probability dead / active every push-pull interval, 2 s here).
        let healAt = Date()
        try await onOwnedThread { try fabric.healAll() }
        let healed = try await Self.eventually(fabric, seconds: 20) { view in
            view.states.values.allSatisfy { $0.count == 9 && $0.values.allSatisfy { $0 == "alive" } }
        }
        #expect(healed.met, "not healed: \(healed.view.states)")
        let healMilliseconds = Int(Date().timeIntervalSince(healAt) * 1000)
        Console.error(
            "fabric region: cut seen dead on both sides after \(Int(splitSeconds * 1000)) ms; "
                + (healed.met ? "healed after \(healMilliseconds) ms" : "not healed after \(healMilliseconds) ms"))
    }
}
