// Goal: real `tessera node` processes form a region over loopback UDP and TCP and keep issue 11's promises: nine
// nodes with one cluster key converge; a node with another key never joins and is counted as refused; rotating the
// key file (SIGHUP) keeps everyone joined; a node paused past its suspicion timeout refutes when resumed and comes
// back alive with a higher incarnation; a killed node is marked dead by every other within the bound its timings
// imply; a node stopped with SIGTERM is seen as left, not dead. Method: nine children on 127.0.0.51…59 with short
// timings (200 ms probe interval), read through each node's GET /admin/members.
import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct ClusterProcessTests {
    static let adminToken = "admin-token-0123456789abcdef"
    static let probeIntervalMilliseconds = 200
    static let suspicionMultiplier = 4
    static let suspicionMaxTimeoutMultiplier = 3

    /// The longest from a crash until every member has declared it dead, in seconds: a full round of probes of
    /// the n−1 others (the worst case of round-robin probing), the longest suspicion (log10 of 9 members is under
    /// one, so the floor is the multiplier × one probe interval), and slack for dissemination on a loaded machine.
    static var deadBoundSeconds: Double {
        let probe = Double(probeIntervalMilliseconds) / 1000
        let suspicionMax = Double(suspicionMultiplier * suspicionMaxTimeoutMultiplier) * probe
        return 9 * probe + suspicionMax + 4
    }

    /// One member row as /admin/members reports it.
    struct Row {
        let state: String
        let incarnation: Int
    }

    /// A node's view: its id, whether it joined, its rows by node id and its drop counts.
    struct View {
        let nodeID: String
        let joined: Bool
        let rows: [String: Row]
        let drops: [String: Int]
    }

    static func view(of node: NodeProcess) async throws -> View {
        let answer = try await httpGet(
            port: node.port, path: "/admin/members", headers: [("Authorization", "Bearer \(adminToken)")])
        guard answer.status == 200,
            let report = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            let members = report["members"] as? [[String: Any]]
        else { throw MembersFailure(description: "GET /admin/members answered \(answer.status): \(answer.body)") }
        var rows: [String: Row] = [:]
        for member in members {
            guard let id = member["nodeID"] as? String else { continue }
            rows[id] = Row(state: member["state"] as? String ?? "", incarnation: member["incarnation"] as? Int ?? 0)
        }
        return View(
            nodeID: report["nodeID"] as? String ?? "", joined: report["joined"] as? Bool ?? false, rows: rows,
            drops: report["gossipDrops"] as? [String: Int] ?? [:])
    }

    /// Polls every 100 ms for up to `seconds` until `condition` holds for the views of `nodes`.
    static func eventually(
        _ nodes: [NodeProcess], seconds: Double, _ condition: ([View]) -> Bool
    ) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        repeat {
            var views: [View] = []
            for node in nodes { views.append(try await view(of: node)) }
            if condition(views) { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        } while Date() < end
        return false
    }

    /// Writes the config of node `index` and starts it.
    static func start(
        index: Int, directory: TemporaryDirectory, keyFile: String, seeds: [String]
    ) async throws -> NodeProcess {
        let config = directory.appending("node\(index).json")
        let seedList = seeds.map { "\"\($0)\"" }.joined(separator: ", ")
        try write(
            """
            {"dataDirectory": "data\(index)", "http": "127.0.0.1:0", "allowAnonymous": true, "volumeCount": 3,
             "erasureCode": {"dataShardCount": 2, "parityShardCount": 1}, "site": "site-\(index % 3)",
             "readCacheBytes": 0,
             "tokens": [{"name": "admin", "token": "\(adminToken)", "role": "admin"}],
             "limits": {"shutdownTimeoutSeconds": 2},
             "cluster": {"territory": "t-\(index % 2)", "gossip": "127.0.0.\(51 + index):0", "seeds": [\(seedList)],
                         "keyFile": "\(keyFile)", "probeIntervalMilliseconds": \(probeIntervalMilliseconds),
                         "probeTimeoutMilliseconds": 100, "suspicionMultiplier": \(suspicionMultiplier),
                         "suspicionMaxTimeoutMultiplier": \(suspicionMaxTimeoutMultiplier),
                         "gossipIntervalMilliseconds": 50, "pushPullIntervalSeconds": 2, "reapAfterSeconds": 600}}
            """, to: config)
        return try await NodeProcess.start(["--config", config], seconds: 60)
    }

    /// The gossip address a node printed at start.
    static func gossipAddress(of node: NodeProcess) -> String? {
        guard let line = node.process.outputLines.first(where: { $0.hasPrefix("gossip: ") }) else { return nil }
        return line.dropFirst("gossip: ".count).split(separator: " ").first.map(String.init)
    }

    @Test("nine nodes converge; wrong key refused; key rotation; pause and refute; kill -9 is dead; SIGTERM is left")
    func region() async throws {
        let directory = TemporaryDirectory()
        let keyFile = directory.appending("cluster.key")
        let created = try await TesseraBinary.run(["cluster", "key", "new", keyFile])
        try #require(created.status == 0, "\(created.errorOutput)")

        let founder = try await Self.start(index: 0, directory: directory, keyFile: keyFile, seeds: [])
        let seed = try #require(Self.gossipAddress(of: founder), "\(founder.process.outputLines)")
        var nodes = [founder]
        for index in 1..<9 {
            // A seed that is not up (yet) is tolerated: the join goes through the one that is.
            nodes.append(
                try await Self.start(
                    index: index, directory: directory, keyFile: keyFile, seeds: [seed, "127.0.0.60:9"]))
        }
        let converged = try await Self.eventually(nodes, seconds: 30) { views in
            views.allSatisfy { $0.joined && $0.rows.count == 9 && $0.rows.values.allSatisfy { $0.state == "alive" } }
        }
        #expect(converged)
        let ids = try await nodes.asyncMap { try await Self.view(of: $0).nodeID }

        // A node with another key: never joins, and the seed counts what it sent as refused.
        let otherKey = directory.appending("other.key")
        _ = try await TesseraBinary.run(["cluster", "key", "new", otherKey])
        let intruder = try await Self.start(index: 9, directory: directory, keyFile: otherKey, seeds: [seed])
        let refused = try await Self.eventually([founder], seconds: 10) { views in
            (views[0].drops["unknown_key"] ?? 0) > 0
        }
        #expect(refused)
        let intruderView = try await Self.view(of: intruder)
        #expect(!intruderView.joined && intruderView.rows.count == 1)
        #expect(try await Self.view(of: founder).rows[intruderView.nodeID] == nil)
        _ = await intruder.stop(signal: SIGKILL)

        // Key rotation: a new primary in the shared file, SIGHUP to all; the region stays whole.
        let rotated = try await TesseraBinary.run(["cluster", "key", "rotate", keyFile])
        #expect(rotated.status == 0, "\(rotated.errorOutput)")
        for node in nodes { kill(node.process.pid, SIGHUP) }
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let stillWhole = try await Self.eventually(nodes, seconds: 5) { views in
            views.allSatisfy { $0.rows.values.filter { $0.state == "alive" }.count == 9 }
        }
        #expect(stillWhole)

        // Pause one past its suspicion timeout, resume it: it refutes with a higher incarnation.
        let paused = nodes[8]
        let pausedID = ids[8]
        let before = try await Self.view(of: founder).rows[pausedID]?.incarnation ?? 0
        kill(paused.process.pid, SIGSTOP)
        let others = Array(nodes[0..<8])
        let suspected = try await Self.eventually(others, seconds: Self.deadBoundSeconds) { views in
            views.allSatisfy { $0.rows[pausedID]?.state == "dead" }
        }
        #expect(suspected)
        kill(paused.process.pid, SIGCONT)
        let refuted = try await Self.eventually(others, seconds: 15) { views in
            views.allSatisfy { view in
                guard let row = view.rows[pausedID] else { return false }
                return row.state == "alive" && row.incarnation > before
            }
        }
        #expect(refuted)

        // kill -9: every other marks it dead within the bound.
        let killedID = ids[7]
        _ = await nodes[7].stop(signal: SIGKILL)
        let survivors = Array(nodes[0..<7]) + [nodes[8]]
        let started = Date()
        let dead = try await Self.eventually(survivors, seconds: Self.deadBoundSeconds) { views in
            views.allSatisfy { $0.rows[killedID]?.state == "dead" }
        }
        #expect(dead, "not every member saw the killed node dead within \(Self.deadBoundSeconds) s")
        #expect(Date().timeIntervalSince(started) <= Self.deadBoundSeconds)

        // SIGTERM: a graceful leave, seen as left and never as dead.
        let leavingID = ids[6]
        let outcome = await nodes[6].stop()
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        let remaining = Array(nodes[0..<6]) + [nodes[8]]
        let left = try await Self.eventually(remaining, seconds: 5) { views in
            views.allSatisfy { $0.rows[leavingID]?.state == "left" }
        }
        #expect(left)
        for node in remaining {
            let outcome = await node.stop()
            #expect(outcome.errorOutput.contains("cluster keys reloaded"), "\(outcome.errorOutput)")
        }
    }
}

/// /admin/members did not answer a member list.
struct MembersFailure: Error, CustomStringConvertible {
    let description: String
}

extension Array {
    /// The results of `transform` on each element, one after the other.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
