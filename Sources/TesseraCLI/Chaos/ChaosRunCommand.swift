// `tessera chaos run SCENARIO.json…|all|random`: each scenario played in a fabric of its own, once per seed. The
// runner makes the namespaces (root), then plays the scenario from inside the fabric's own namespace (`chaos play`,
// the observer that reaches every node whatever the cuts) and copies its live line of progress; it takes the
// fabric down whatever happened, and writes the table of every run (summary.md, summary.json) in the report folder.
import Chaos
import Foundation
import Glibc
import Posix
import Primitives

/// The `chaos run` and `chaos play` subcommands.
enum ChaosRunCommand {
    static let reportDirectoryDefault = "tessera-chaos-report"
    static let scenariosDefault = "Chaos/scenarios"
    static let topologyDefault = "Cluster/grand-est.json"
    /// What `--short` multiplies every time of a scenario by (the CI's short run).
    static let shortFactor = 0.5

    /// `chaos run SCENARIO…|all|random [--seed N] [--seeds K] [--short] [--duration S] [--topology FILE]
    /// [--scenarios DIR] [--report DIR]`.
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(
            words, valued: ["seed", "seeds", "duration", "topology", "scenarios", "report"], switches: ["short"])
        guard !arguments.positionals.isEmpty else {
            throw UsageError(description: "chaos run takes scenario files, 'all' or 'random'")
        }
        guard geteuid() == 0 else {
            throw ClientError(
                "the chaos runner needs root: it makes network namespaces, packet filters and filesystems; run it "
                    + "with sudo")
        }
        let topologyPath = arguments.value("topology") ?? topologyDefault
        let topology = try Topology.load(path: topologyPath)
        let firstSeed = UInt64(try arguments.integer("seed", in: 0...Int(Int32.max)) ?? 1)
        let seedCount = try arguments.integer("seeds", in: 1...100) ?? 1
        let duration = Double(try arguments.integer("duration", in: 30...86_400) ?? 300)
        let report = ClusterRegionCommand.absolute(arguments.value("report") ?? reportDirectoryDefault)
        var paths: [String] = []
        for word in arguments.positionals {
            if word == "all" {
                let folder = arguments.value("scenarios") ?? scenariosDefault
                let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
                paths += names.sorted().map { folder + "/" + $0 }
            } else {
                paths.append(word)
            }
        }
        // Check every scenario before anything starts, so a typo in the last one does not waste the first runs.
        for path in paths where path != "random" { _ = try ChaosScenario.load(path: path, topology: topology) }
        try FileManager.default.createDirectory(atPath: report, withIntermediateDirectories: true)
        var summaries: [ChaosRunSummary] = []
        var replays: [String] = []
        for path in paths {
            for seed in firstSeed..<(firstSeed + UInt64(seedCount)) {
                var extra = ["--seed", "\(seed)", "--topology", ClusterRegionCommand.absolute(topologyPath)]
                if arguments.flag("short") { extra.append("--short") }
                if path == "random" { extra += ["--duration", "\(Int(duration))"] }
                let name =
                    path == "random"
                    ? "random"
                    : ((path as NSString).lastPathComponent as NSString)
                        .deletingPathExtension
                let directory = report + "/\(name)-seed\(seed)"
                do {
                    summaries.append(
                        try runOne(
                            scenario: path == "random" ? path : ClusterRegionCommand.absolute(path), extra: extra,
                            topology: topology, directory: directory))
                } catch {
                    // A run that could not be played (nodes that never converged, a fabric that failed) is a failed
                    // row of the table; the other runs still play.
                    Console.error("\(name) seed \(seed): \(error)")
                    summaries.append(
                        ChaosRunSummary(
                            scenario: name, seed: seed, history: [],
                            violations: [ChaosViolation(rule: "run", detail: "\(error)", lines: [])], healSeconds: nil,
                            copiesRestoredSeconds: nil))
                }
                try ChaosReport.writeSummary(summaries, directory: report)
                replays.append(
                    ChaosReport.replayCommand(
                        source: path, seed: seed, durationSeconds: Int(duration), isShort: arguments.flag("short")))
            }
        }
        Console.output(ChaosReportTable.markdown(summaries))
        Console.output("reports in \(report) (summary.md; each run's report.md and history.jsonl)\n")
        let failed = zip(summaries, replays).filter { !$0.0.passed }
        guard failed.isEmpty else {
            for (run, replay) in failed {
                Console.error("\(run.scenario) seed \(run.seed) failed (replay: \(replay)):")
                for violation in run.violations.prefix(20) { Console.error("  \(violation)") }
            }
            throw ClientError("\(failed.count) of \(summaries.count) chaos runs broke a promise; see \(report)")
        }
    }

    /// Plays one scenario with one seed in a new fabric and returns its summary.
    private static func runOne(scenario: String, extra: [String], topology: Topology, directory: String) throws
        -> ChaosRunSummary
    {
        if FileManager.default.fileExists(atPath: directory) { try FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let runID = String(SystemRandomSource().next() & 0xFF_FFFF, radix: 16)
        let fabric = try NetworkFabric.up(
            nodes: topology.nodes, runID: runID, stateDirectory: directory + "/fabric", clock: RealTimeClock())
        defer { try? fabric.down() }
        let isTerminal = Terminal.isTerminal(2)
        let play = try fabric.startInObserver(
            name: "play", executable: ChildProcess.tesseraExecutable,
            arguments: ["chaos", "play", scenario, "--run", directory, "--state", directory + "/fabric"] + extra
                + (isTerminal ? ["--terminal"] : []),
            logDirectory: directory)
        var shown = 0
        while true {
            let isRunning = play.isRunning
            let text = Array(FileManager.default.contents(atPath: play.errorPath) ?? Data())
            if text.count > shown {
                Console.errorInPlace(String(decoding: text[shown...], as: UTF8.self))
                shown = text.count
            }
            guard isRunning else { break }
            ChildProcess.pause(milliseconds: 200)
        }
        let status = play.waitForExit()
        guard status == 0, let data = FileManager.default.contents(atPath: directory + "/report.json") else {
            throw ClientError("the run in \(directory) stopped with status \(status); see \(play.errorPath)")
        }
        return try JSONDecoder().decode(ChaosRunSummary.self, from: data)
    }

    /// `chaos play SCENARIO|random --run DIR --state DIR --seed N --topology FILE [--short] [--duration S]
    /// [--terminal]`: one run, inside the fabric's namespace (started by `run`).
    static func play(_ words: [String]) throws {
        let arguments = try Arguments(
            words, valued: ["run", "state", "seed", "topology", "duration"], switches: ["short", "terminal"])
        let topology = try Topology.load(path: try arguments.required("topology"))
        let seed = UInt64(try arguments.integer("seed", in: 0...Int(Int32.max)) ?? 1)
        var scenario: ChaosScenario
        let source = try arguments.single("scenario")
        let duration = Double(try arguments.integer("duration", in: 30...86_400) ?? 300)
        if source == "random" {
            scenario = ChaosScenario.random(seed: seed, durationSeconds: duration, topology: topology)
        } else {
            scenario = try ChaosScenario.load(path: source, topology: topology)
        }
        if arguments.flag("short") { scenario = scenario.scaled(by: shortFactor) }
        let fabric = try NetworkFabric.attach(stateDirectory: try arguments.required("state"), clock: RealTimeClock())
        let directory = try arguments.required("run")
        let nodes = ChaosNodes(fabric: fabric, nodes: topology.nodes, directory: directory)
        let summary = try ChaosPlay(
            scenario: scenario, seed: seed, directory: directory, nodes: nodes,
            isTerminal: arguments.flag("terminal"),
            replay: ChaosReport.replayCommand(
                source: source, seed: seed, durationSeconds: Int(duration), isShort: arguments.flag("short"))
        ).run()
        Console.error(
            "[\(scenario.name) seed \(seed)] "
                + (summary.passed ? "passed" : "FAILED: \(summary.violations.count) violations")
                + "; report in \(directory)/report.md")
    }
}
