// Goal: a region of real `tessera node` processes keeps every study readable, bit-exact, at every surviving node
// while nodes die: one node, then every node of a site, then every node of a territory (kill -9); after downOut
// every study is back to R copies; when the dead return they catch up, and the stand-ins drop their surplus
// copies. Method: `tessera cluster up` on a six-node, three-territory topology on 127.0.0.80…85 with short
// timings (downOut 10 s), sample studies stored at three sites, `tessera fetch` at every live node compared byte
// for byte with what was stored, `tessera cluster status` for the copies.
import Foundation
import Glibc
import TestSupport
import Testing

@Suite(.serialized) struct RegionProcessTests {
    static let topology = """
        {"name": "test-region", "territories": [
          {"name": "alsace", "sites": [
            {"name": "strasbourg", "nodes": [{"name": "strasbourg-1", "volumeCount": 3},
                                             {"name": "strasbourg-2", "volumeCount": 3}]},
            {"name": "colmar", "nodes": [{"name": "colmar-1", "volumeCount": 3}]}]},
          {"name": "lorraine", "sites": [{"name": "nancy", "nodes": [{"name": "nancy-1", "volumeCount": 3}]}]},
          {"name": "champagne-ardenne", "sites": [
            {"name": "reims", "nodes": [{"name": "reims-1", "volumeCount": 3}]},
            {"name": "troyes", "nodes": [{"name": "troyes-1", "volumeCount": 3}]}]}]}
        """
    static let settings = """
        {"probeIntervalMilliseconds": 200, "probeTimeoutMilliseconds": 100, "gossipIntervalMilliseconds": 50,
         "pushPullIntervalSeconds": 2, "antiEntropyIntervalSeconds": 1, "downOutSeconds": 10,
         "auditInstancesPerSecond": 1000}
        """

    /// One row of `tessera cluster status`.
    struct StatusRow {
        let node: String
        let state: String
        let instances: Int?
        let held: Int?
        let belowR: Int?
        let outbox: Int?
    }

    /// The region's folder and the running nodes' facts from its state file.
    struct Region {
        let directory: TemporaryDirectory
        var path: String { directory.appending("region") }

        /// node name → (http address, pid, config path).
        func nodes() throws -> [String: (http: String, pid: Int32, config: String)] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path + "/region.json"))
            let state = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            var nodes: [String: (String, Int32, String)] = [:]
            for node in state?["nodes"] as? [[String: Any]] ?? [] {
                let name = node["name"] as? String ?? ""
                nodes[name] = (
                    node["http"] as? String ?? "", Int32(node["pid"] as? Int ?? 0),
                    (node["directory"] as? String ?? "") + "/node.json"
                )
            }
            return nodes
        }

        func status() async throws -> [StatusRow] {
            let outcome = try await runCaptured(["cluster", "status", "--data", path], in: directory)
            return outcome.output.split(separator: "\n").dropFirst(2).compactMap { line in
                // Columns are two spaces apart; a cell ("not answering") may hold one.
                let cells = line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                guard cells.count == 12 else { return nil }
                return StatusRow(
                    node: cells[2], state: cells[4], instances: Int(cells[6]), held: Int(cells[7]),
                    belowR: Int(cells[8]), outbox: Int(cells[10]))
            }
        }

        /// Kills every node, whatever happened (a failed test must not leave servers running).
        func killAll() {
            for (_, node) in (try? nodes()) ?? [:] { kill(node.pid, SIGKILL) }
        }
    }

    /// Whether `pid` runs and is not a zombie (killed nodes may stay zombies: their parent exited).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// The bytes of every file under `folder`, sorted: a study's content whatever its file names.
    static func contents(_ folder: String) -> [Data] {
        files(under: folder).compactMap { FileManager.default.contents(atPath: $0) }.sorted {
            $0.lexicographicallyPrecedes($1)
        }
    }

    /// Polls `tessera cluster status` every 500 ms for up to `seconds` until `condition` holds for the live rows.
    static func eventually(
        _ region: Region, seconds: Double, _ condition: ([StatusRow]) -> Bool
    ) async throws -> (Bool, [StatusRow]) {
        let end = Date().addingTimeInterval(seconds)
        var rows: [StatusRow] = []
        repeat {
            rows = try await region.status().filter { $0.state == "ok" }
            if condition(rows) { return (true, rows) }
            try await Task.sleep(nanoseconds: 500_000_000)
        } while Date() < end
        return (false, rows)
    }

    @Test("nodes, a site and a territory die: every study stays readable everywhere, back to R copies, caught up")
    func survivesLosses() async throws {
        let directory = TemporaryDirectory()
        let region = Region(directory: directory)
        defer { region.killAll() }
        try write(Self.topology, to: directory.appending("topology.json"))
        try write(Self.settings, to: directory.appending("settings.json"))
        let up = try await runCaptured(
            [
                "cluster", "up", directory.appending("topology.json"), "--data", region.path, "--first-address",
                "127.0.0.80", "--http-port", "18042", "--gossip-port", "17946", "--settings",
                directory.appending("settings.json"),
            ], in: directory, seconds: 180)
        try #require(up.status == 0, "cluster up: \(up.errorOutput) \(up.output)")
        // Every node answers DIMSE too, and `up` says how to try it.
        #expect(up.output.contains("echoscu -aec TESSERA 127.0.0.80 4242"), "\(up.output)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/echoscu") {
            let echo = try await runCaptured(
                ["-aec", "TESSERA", "127.0.0.81", "4242"], in: directory, seconds: 60, executable: "/usr/bin/echoscu")
            #expect(echo.status == 0, "echoscu: \(echo.errorOutput)")
        }
        let samples = directory.appending("samples")
        let listing = try await runCaptured(
            ["samples", "--out", samples, "--studies", "3", "--slices", "3", "--size", "32", "--seed", "9"],
            in: directory)
        let studies = listing.output.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        try #require(studies.count == 3)
        let nodes = try region.nodes()
        for (study, node) in zip(studies, ["strasbourg-1", "nancy-1", "reims-1"]) {
            let stored = try await runCaptured(
                ["store", samples + "/" + study, "--node", "http://\(nodes[node]!.http)/dicom-web"], in: directory)
            try #require(stored.status == 0, "\(stored.errorOutput)")
        }
        let total = studies.count * 6  // 3 slices in each of 2 series
        let (settled, settledRows) = try await Self.eventually(region, seconds: 60) { rows in
            rows.count == 6 && rows.allSatisfy { $0.instances == total && $0.outbox == 0 }
                && rows.compactMap(\.held).reduce(0, +) == 2 * total
        }
        #expect(settled, "every node catalogues every instance, each held twice: \(settledRows)")

        /// Fetches every study at every live node and compares it with what was stored.
        func expectEveryStudyEverywhere(_ moment: String) async throws {
            for (name, node) in try region.nodes() where Self.isAlive(node.pid) {
                for study in studies {
                    let out = directory.appending("fetched-\(name)-\(study)")
                    try? FileManager.default.removeItem(atPath: out)
                    let fetched = try await runCaptured(
                        ["fetch", "--study", study, "--out", out, "--node", "http://\(node.http)/dicom-web"],
                        in: directory)
                    let log =
                        (try? String(contentsOfFile: region.path + "/nodes/\(name)/node.log", encoding: .utf8)) ?? ""
                    #expect(
                        fetched.status == 0,
                        "\(moment): fetch \(study) at \(name): \(fetched.errorOutput) log: \(log.suffix(1_500))")
                    #expect(
                        Self.contents(out) == Self.contents(samples + "/" + study), "\(moment): \(study) at \(name)")
                }
            }
        }
        try await expectEveryStudyEverywhere("all up")
        for (moment, victims) in [
            ("one node dead", ["strasbourg-2"]), ("the site strasbourg dead", ["strasbourg-1"]),
            ("the territory lorraine dead", ["nancy-1"]),
        ] {
            for victim in victims { kill(nodes[victim]!.pid, SIGKILL) }
            // SIGKILL is delivered asynchronously: wait until the victims are gone before reading at the others.
            for _ in 0..<100 where victims.contains(where: { Self.isAlive(nodes[$0]!.pid) }) {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            try await expectEveryStudyEverywhere(moment)
        }
        // Past downOut every study is back to two copies at two sites among the three live nodes.
        // The three live nodes then hold two copies of every instance between them (the dead nodes' copies do not
        // count), and their audits find none below R.
        let (healed, healedRows) = try await Self.eventually(region, seconds: 90) { rows in
            rows.count == 3 && rows.allSatisfy { $0.belowR == 0 } && rows.compactMap(\.held).reduce(0, +) == 2 * total
        }
        #expect(healed, "every study is back to R copies: \(healedRows)")
        try await expectEveryStudyEverywhere("after downOut")
        // The dead come back: they catch up, and copies above R are dropped once confirmed.
        let restart = try await runCaptured(
            ["cluster", "start", "strasbourg-2", "strasbourg-1", "nancy-1", "--data", region.path], in: directory)
        try #require(restart.status == 0, "cluster start: \(restart.errorOutput)")
        let (caughtUp, caughtUpRows) = try await Self.eventually(region, seconds: 90) { rows in
            rows.count == 6 && rows.allSatisfy { $0.instances == total && $0.belowR == 0 }
                && rows.compactMap(\.held).reduce(0, +) == 2 * total
        }
        #expect(caughtUp, "all six catalogue everything and every study has exactly R copies: \(caughtUpRows)")
        try await expectEveryStudyEverywhere("all back")
        let down = try await runCaptured(["cluster", "down", "--data", region.path], in: directory, seconds: 60)
        #expect(down.status == 0)
    }
}

@Suite struct RegionBenchTests {
    @Test("bench region --quick prints every row of its table and leaves no node running")
    func quickBench() async throws {
        let directory = TemporaryDirectory()
        let outcome = try await runCaptured(
            ["bench", "region", "--quick", "--slices", "6", "--data", directory.appending("bench")], in: directory,
            seconds: 600)
        #expect(outcome.status == 0, "\(outcome.errorOutput.suffix(2_000))")
        for figure in [
            "ack=local", "replication lag p50 / p99", "ack=remote", "WADO-RS of a study held elsewhere",
            "re-sent study", "node kill → every study at R copies", "heal rate",
        ] {
            #expect(outcome.output.contains(figure), "the table has a row for \(figure)")
        }
        let resent = outcome.output.split(separator: "\n").first { $0.contains("re-sent study") } ?? ""
        #expect(resent.split(separator: " ", omittingEmptySubsequences: true).contains("0"), "\(resent)")
        #expect(Self.processes(mentioning: directory.path) == 0, "the bench stopped every node it started")
    }

    /// How many running processes have `text` in their command line (zombies have none).
    static func processes(mentioning text: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.count { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(text)
        }
    }
}
