// What one run of a scenario comes to, for the report: operations, acknowledged writes, lost writes, corrupt reads,
// reads refused under a fault, the time to heal and back to R copies, and read latency under faults and outside
// them. Made from the history, the checker's violations and the runner's two heal times; pure.
import Foundation
import Primitives

/// One run of one scenario with one seed.
public struct ChaosRunSummary: Codable, Sendable, Equatable {
    public var scenario: String
    public var seed: UInt64
    /// No violation.
    public var passed: Bool
    /// Client operations (writes and reads) in the history.
    public var operations: Int
    public var writes: Int
    /// Writes acknowledged, and of those with ack=remote.
    public var acknowledged: Int
    public var acknowledgedRemote: Int
    /// Acknowledged instances some survivor could not read at the end (the checker's "lost"), each counted once.
    public var lost: Int
    /// Instances some read returned with bytes no write sent (during the run or at the end), each counted once.
    public var corruptReads: Int
    public var reads: Int
    public var readsDuringFaults: Int
    /// Reads during a fault the node refused or that failed.
    public var readsRefusedDuringFaults: Int
    /// Seconds from the end of the faults until every node saw every other alive and the catalogs were equal.
    public var healSeconds: Double?
    /// Seconds from the end of the faults until every study was back at R copies.
    public var copiesRestoredSeconds: Double?
    /// Answered WADO-RS reads' latency in milliseconds, p50 and p99, during faults and outside them (nil: none).
    public var readP50DuringMilliseconds: Double?
    public var readP99DuringMilliseconds: Double?
    public var readP50OutsideMilliseconds: Double?
    public var readP99OutsideMilliseconds: Double?
    /// Each violation, as the checker printed it.
    public var violations: [String]

    /// The summary of a run.
    public init(
        scenario: String, seed: UInt64, history: [ChaosOperation], violations: [ChaosViolation],
        healSeconds: Double?, copiesRestoredSeconds: Double?
    ) {
        self.scenario = scenario
        self.seed = seed
        passed = violations.isEmpty
        let clients = history.filter { $0.kind != .nemesis }
        operations = clients.count
        let writeLines = clients.filter { $0.kind == .write }
        writes = writeLines.count
        acknowledged = writeLines.filter { $0.outcome == .ok }.count
        acknowledgedRemote = writeLines.filter { $0.outcome == .ok && $0.ackMode == "remote" }.count
        func instances(_ rule: String) -> Int {
            Set(violations.filter { $0.rule == rule }.compactMap(\.instance)).count
        }
        lost = instances("lost")
        corruptReads = instances("corrupt read")
        let windows = FaultWindows(history: history)
        let readLines = clients.filter { $0.kind == .read }
        reads = readLines.count
        let during = readLines.filter { windows.contains(start: $0.startMilliseconds, end: $0.endMilliseconds) }
        readsDuringFaults = during.count
        readsRefusedDuringFaults = during.filter { $0.outcome != .ok }.count
        let outside = readLines.filter { !windows.contains(start: $0.startMilliseconds, end: $0.endMilliseconds) }
        // WADO-RS reads only: a QIDO-RS search moves no pixel data and would pull the percentiles down.
        func latencies(_ lines: [ChaosOperation]) -> [Double] {
            lines.filter { $0.outcome == .ok && !$0.detail.hasPrefix(ChaosOperation.searchDetailPrefix) }
                .map { Double($0.endMilliseconds - $0.startMilliseconds) }
        }
        readP50DuringMilliseconds = Percentile.nearestRank(latencies(during), 0.5)
        readP99DuringMilliseconds = Percentile.nearestRank(latencies(during), 0.99)
        readP50OutsideMilliseconds = Percentile.nearestRank(latencies(outside), 0.5)
        readP99OutsideMilliseconds = Percentile.nearestRank(latencies(outside), 0.99)
        self.healSeconds = healSeconds
        self.copiesRestoredSeconds = copiesRestoredSeconds
        self.violations = violations.map(\.description)
    }
}

/// The report's table of runs.
public enum ChaosReportTable {
    /// A Markdown table, one row per run.
    public static func markdown(_ runs: [ChaosRunSummary]) -> String {
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "never" }
        func milliseconds(_ p50: Double?, _ p99: Double?) -> String {
            guard let p50, let p99 else { return "-" }
            return "\(Int(p50)) / \(Int(p99)) ms"
        }
        var lines = [
            "| scenario | seed | result | ops | acknowledged (remote) | lost | corrupt reads | reads refused in faults "
                + "| time to heal | back to R copies | read p50 / p99 in faults | read p50 / p99 outside |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for run in runs {
            let cells = [
                run.scenario, "\(run.seed)", run.passed ? "pass" : "FAIL (\(run.violations.count))",
                "\(run.operations)",
                "\(run.acknowledged) (\(run.acknowledgedRemote))", "\(run.lost)", "\(run.corruptReads)",
                "\(run.readsRefusedDuringFaults) of \(run.readsDuringFaults)", seconds(run.healSeconds),
                seconds(run.copiesRestoredSeconds),
                milliseconds(run.readP50DuringMilliseconds, run.readP99DuringMilliseconds),
                milliseconds(run.readP50OutsideMilliseconds, run.readP99OutsideMilliseconds),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
