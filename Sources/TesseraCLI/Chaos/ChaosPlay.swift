// One run of one scenario, inside the fabric's own namespace (the observer, which reaches every node whatever the
// cuts): the nodes started in their namespaces and converged, the workload and the monitor started, the faults
// done at their seconds with a live line of progress, everything healed at the end, the wait until the region is
// whole and every study back at R copies, every acknowledged study read at every node, and the checker's verdict
// written as the run's report (Markdown and JSON) beside its history.
import Chaos
import Foundation
import Node
import Posix
import Primitives
import Synchronization

/// Plays a scenario and judges it.
struct ChaosPlay {
    let scenario: ChaosScenario
    let seed: UInt64
    let directory: String
    let nodes: ChaosNodes
    /// Whether standard error is a terminal (the progress line is redrawn in place) or a log (a line every 10 s).
    let isTerminal: Bool
    /// The command that plays this run again.
    let replay: String

    var historyPath: String { directory + "/history.jsonl" }

    /// Runs the scenario and returns its summary; the nodes are stopped whatever happens.
    func run() throws -> ChaosRunSummary {
        let limited = Set(scenario.faults.filter { $0.action == .fillDisk }.compactMap(\.node))
        try nodes.configure(limitedDisks: limited)
        defer {
            nodes.stopAll()
            nodes.unmountLimited(limited)
        }
        guard FileManager.default.createFile(atPath: historyPath, contents: nil) else {
            throw ClientError("cannot create \(historyPath)")
        }
        Console.error("[\(scenario.name) seed \(seed)] starting \(nodes.nodes.count) nodes…")
        for node in nodes.nodes { try nodes.start(node.name) }
        try waitUntilConverged(seconds: 60)
        let bound = ChaosNodes.detectionBoundSeconds(nodeCount: nodes.nodes.count)
        let monitor = ChaosMonitor(nodes: nodes)
        let workload = ChaosWorkloadThreads(nodes: nodes, scenario: scenario, seed: seed, historyPath: historyPath)
        var nemesis = ChaosNemesis(
            nodes: nodes, monitor: monitor, workload: workload, historyPath: historyPath,
            detectionBoundSeconds: bound, random: SeededRandom(seed: seed ^ 0x4E_E515))
        monitor.start()
        try workload.start()
        let clock = MonotonicClock()
        let began = clock.now()
        func elapsed() -> Double { clock.now().seconds(since: began) }
        var faults = scenario.faults.enumerated().sorted {
            ($0.element.atSeconds, $0.offset) < ($1.element.atSeconds, $1.offset)
        }
        .map(\.element)[...]
        var lastLine = -1.0
        var done = 0
        while elapsed() < scenario.durationSeconds {
            while let next = faults.first, next.atSeconds <= elapsed() {
                faults.removeFirst()
                nemesis.apply(next)
                done += 1
            }
            if elapsed() - lastLine >= (isTerminal ? 0.5 : 10) {
                lastLine = elapsed()
                progress("\(Int(elapsed()))/\(Int(scenario.durationSeconds)) s", workload, faults: done)
            }
            ChildProcess.pause(milliseconds: 100)
        }
        workload.stop()
        progress("faults over; healing", workload, faults: done)
        nemesis.healEverything()
        let healedAt = clock.now()
        let (whole, copies, catalogs, outboxes) = waitUntilWhole(
            since: healedAt, seconds: scenario.healBoundSeconds + 60, workload)
        monitor.stop()
        if isTerminal { Console.errorInPlace("\n") }
        Console.error(
            "[\(scenario.name) seed \(seed)] region whole "
                + (whole.map { String(format: "%.1f s", $0) } ?? "never") + " after the heal, R copies "
                + (copies.map { String(format: "%.1f s", $0) } ?? "never") + "; reading every acknowledged study "
                + "at every node…")
        let studies = Array(Set(workload.acknowledged.withLock { $0.map(\.study) })).sorted()
        let observation = ChaosObservation(reads: finalReads(studies), catalogs: catalogs)
        let history = try ChaosHistory.decode(Array(FileManager.default.contents(atPath: historyPath) ?? Data()))
        let siteOf = Dictionary(uniqueKeysWithValues: nodes.nodes.map { ($0.name, $0.site.name) })
        var health = monitor.report(copiesRestoredSeconds: copies)
        health.healSeconds = whole
        // The heal wait's last reading, not the monitor's older one: the wait saw the outboxes as they ended.
        health.finalOutboxDepths = outboxes
        let violations =
            ChaosChecker.violations(of: history, observation: observation, siteOf: { siteOf[$0] })
            + ChaosChecker.violations(
                of: health, bounds: ChaosBounds(healSeconds: scenario.healBoundSeconds, detectionSeconds: bound))
        let summary = ChaosRunSummary(
            scenario: scenario.name, seed: seed, history: history, violations: violations, healSeconds: whole,
            copiesRestoredSeconds: copies)
        try ChaosReport.write(
            summary, violations: violations, scenario: scenario, replay: replay, directory: directory)
        return summary
    }

    // MARK: - Steps

    private func progress(_ phase: String, _ workload: ChaosWorkloadThreads, faults: Int) {
        let counts = workload.counts.withLock { $0 }
        let line =
            "[\(scenario.name) seed \(seed)] \(phase) · writes \(counts.writes) (\(counts.acknowledged) acknowledged) "
            + "· reads \(counts.reads) (\(counts.answered) answered) · faults \(faults)/\(scenario.faults.count)"
        if isTerminal { Console.errorInPlace("\r" + line + "\u{1B}[K") } else { Console.error(line) }
    }

    private func waitUntilConverged(seconds: Double) throws {
        let client = ChaosClient(nodes: nodes, clock: RealTimeClock())
        let deadline = ChildProcess.deadline(seconds: seconds)
        let count = nodes.nodes.count
        while MonotonicClock().now() < deadline {
            let alive = nodes.nodes.map { node in
                client.json("/healthz", at: node.name).flatMap {
                    try? JSONDecoder().decode(NodeHealth.self, from: Data($0))
                }?.membership?.alive ?? 0
            }
            if alive.allSatisfy({ $0 == count }) { return }
            ChildProcess.pause(milliseconds: 250)
        }
        throw ClientError("the \(count) nodes did not see each other alive within \(Int(seconds)) s")
    }

    /// Polls every 2 s until every node sees every other alive with equal catalogs (whole) and every node's regional
    /// catalog, counted now (`/admin/copies`), has no instance below R copies, with every outbox empty; the seconds
    /// from `since` to each (nil: not within `seconds`), the last catalog fingerprints (a node that did not answer
    /// has `unanswered`, so it never counts as converged) and the last outbox depths.
    private func waitUntilWhole(since: Instant, seconds: Double, _ workload: ChaosWorkloadThreads) -> (
        Double?, Double?, [String: String], [String: Int]
    ) {
        let client = ChaosClient(nodes: nodes, clock: RealTimeClock())
        let clock = MonotonicClock()
        let deadline = ChildProcess.deadline(seconds: seconds)
        let count = nodes.nodes.count
        var whole: Double?
        var copies: Double?
        var catalogs: [String: String] = [:]
        var timeline: [HealPoint] = []
        while whole == nil || copies == nil {
            let now = clock.now().seconds(since: since)
            let reports = nodes.nodes.map { node in
                client.json("/healthz", at: node.name).flatMap {
                    try? JSONDecoder().decode(NodeHealth.self, from: Data($0))
                }
            }
            catalogs = [:]
            for node in nodes.nodes {
                catalogs[node.name] = catalogFingerprint(client, node.name) ?? Self.unanswered
            }
            let isAlive = reports.allSatisfy { report in
                guard let membership = report?.membership else { return false }
                return membership.alive == count && membership.suspect == 0 && membership.dead == 0
            }
            let isConverged = Set(catalogs.values).count == 1 && catalogs.values.first != Self.unanswered
            if whole == nil && isAlive && isConverged { whole = now }
            let counted = nodes.nodes.map { node in
                client.json("/admin/copies", at: node.name).flatMap {
                    try? JSONDecoder().decode(CopiesReport.self, from: Data($0))
                }
            }
            timeline.append(
                HealPoint(
                    seconds: now, reports: reports, copies: counted, names: nodes.nodes.map(\.name),
                    catalogs: catalogs))
            let isCopied =
                counted.allSatisfy { $0?.belowReplicaCount == 0 } && reports.allSatisfy { $0?.region?.outboxDepth == 0 }
            if copies == nil && isCopied && now >= 2 { copies = now }
            progress(
                "healing \(Int(now)) s: whole \(whole == nil ? "not yet" : "yes"), R copies "
                    + (copies == nil ? "not yet" : "yes"), workload, faults: scenario.faults.count)
            guard clock.now() < deadline else { break }
            ChildProcess.pause(milliseconds: 2_000)
        }
        try? HealPoint.save(timeline, to: directory + "/heal.jsonl")
        let outboxes = timeline.last?.nodes.compactMapValues(\.outboxDepth) ?? [:]
        return (whole, copies, catalogs, outboxes)
    }

    /// The catalog fingerprint of a node whose listing failed.
    static let unanswered = "unanswered"

    /// A node's catalog as QIDO-RS lists it: every study with its instance count, hashed.
    private func catalogFingerprint(_ client: ChaosClient, _ node: String) -> String? {
        var rows: [String] = []
        let page = 10_000
        var offset = 0
        while true {
            guard let body = client.json("/dicom-web/studies?limit=\(page)&offset=\(offset)", at: node),
                let studies = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]]
            else { return nil }
            for study in studies {
                let uid = ((study["0020000D"] as? [String: Any])?["Value"] as? [Any])?.first as? String ?? "?"
                let count = ((study["00201208"] as? [String: Any])?["Value"] as? [Any])?.first.map { "\($0)" } ?? "?"
                rows.append(uid + ":" + count)
            }
            if studies.count < page { break }
            offset += page
        }
        return ChaosClient.sha256(Array(rows.sorted().joined(separator: "\n").utf8))
    }

    /// Every node's answer for every instance of `studies`: one WADO-RS per study and node, a thread per node.
    private func finalReads(_ studies: [String]) -> [String: [String: String?]] {
        let reads = Mutex<[String: [String: String?]]>([:])
        let threads = nodes.nodes.map { node in
            OwnedThread(name: "chaos-final") { [nodes] in
                let client = ChaosClient(nodes: nodes, clock: RealTimeClock())
                var found: [String: String?] = [:]
                for study in studies {
                    var operation = client.read(study: study, at: node.name)
                    if operation.outcome != .ok {
                        // One retry: a kept-alive connection the heal reset, a node still settling.
                        operation = client.read(study: study, at: node.name)
                    }
                    for instance in operation.instances { found[instance.uid] = instance.sha256 }
                }
                reads.withLock { $0[node.name] = found }
            }
        }
        for thread in threads { thread.join() }
        return reads.withLock { $0 }
    }
}
