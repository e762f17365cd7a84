// Goal: the report of a run says what happened: fault windows pair each lasting fault with what ended it (and the
// final heal ends what nothing else did), instant faults count from start to end, each stretched by the settling
// time; the summary counts operations, acknowledged writes, the checker's lost and corrupt reads, refused reads
// under faults, and splits read latency by those windows; the table prints one row per run; a short run scales
// every fault's time but not the heal bound.
// Method: histories written by hand, pure calls.
import Chaos
import Testing

@Suite struct ChaosRunSummaryTests {
    static let settle = FaultWindows.settleMilliseconds

    static func nemesis(_ action: String, at start: Int64, _ end: Int64? = nil, targets: [String], detail: String = "")
        -> ChaosOperation
    {
        ChaosOperation(
            kind: .nemesis, startMilliseconds: start, endMilliseconds: end ?? start, outcome: .ok, action: action,
            targets: targets, detail: detail)
    }

    static func read(at start: Int64, lasting: Int64, _ outcome: ChaosOperation.Outcome = .ok) -> ChaosOperation {
        ChaosOperation(
            kind: .read, startMilliseconds: start, endMilliseconds: start + lasting, node: "metz-1", study: "1.2",
            outcome: outcome)
    }

    @Test("a kill lasts until its start, a cut until its heal, a skew until set right; instants count alone")
    func windows() {
        let history = [
            Self.nemesis("kill", at: 1_000, targets: ["nancy-1"]),
            Self.nemesis("partition", at: 2_000, targets: ["strasbourg", "rest"]),
            Self.nemesis("start", at: 40_000, 41_000, targets: ["nancy-1"]),
            Self.nemesis("heal", at: 50_000, targets: ["strasbourg", "rest"]),
            Self.nemesis("flip-bits", at: 60_000, 60_010, targets: ["troyes-1"]),
            Self.nemesis("skew-clock", at: 70_000, targets: ["metz-1"], detail: "600 s"),
            Self.nemesis("skew-clock", at: 90_000, targets: ["metz-1"], detail: "0 s"),
            Self.nemesis("pause", at: 100_000, targets: ["reims-1"]),
            Self.nemesis(FaultWindows.healEverything, at: 120_000, 125_000, targets: []),
        ]
        let windows = FaultWindows(history: history).windows
        #expect(
            windows == [
                1_000...(41_000 + Self.settle), 2_000...(50_000 + Self.settle), 60_000...(60_010 + Self.settle),
                70_000...(90_000 + Self.settle), 100_000...(125_000 + Self.settle),
            ])
    }

    @Test("a heal without sides ends every cut")
    func healAll() {
        let history = [
            Self.nemesis("partition-one-way", at: 1_000, targets: ["reims-1", "rest"]),
            Self.nemesis("heal", at: 5_000, targets: []),
        ]
        #expect(FaultWindows(history: history).windows == [1_000...(5_000 + Self.settle)])
        #expect(FaultWindows(history: history).contains(start: 14_000, end: 14_500))
        #expect(!FaultWindows(history: history).contains(start: 500, end: 900))
    }

    @Test("the summary counts lost or corrupt instances once each and splits WADO-RS latency by the fault windows")
    func summary() {
        let write = { (outcome: ChaosOperation.Outcome, ack: String) in
            ChaosOperation(
                kind: .write, startMilliseconds: 0, endMilliseconds: 10, node: "strasbourg-1", ackMode: ack,
                study: "1.2", instances: [ChaosInstance(uid: "1.2.3", sha256: "ab")], outcome: outcome)
        }
        // A QIDO-RS search, outside the faults and slow: counted as a read, left out of the latencies.
        var search = Self.read(at: 40_000, lasting: 900)
        search.detail = ChaosOperation.searchDetailPrefix + ": HTTP 200, 10 bytes"
        let history = [
            write(.ok, "remote"), write(.ok, "local"), write(.refused, "remote"),
            Self.read(at: 100, lasting: 10), Self.read(at: 200, lasting: 30),
            Self.nemesis("kill", at: 1_000, targets: ["nancy-1"]),
            Self.read(at: 2_000, lasting: 400), Self.read(at: 3_000, lasting: 5, .refused),
            Self.nemesis("start", at: 5_000, targets: ["nancy-1"]),
            Self.read(at: 5_000 + Self.settle + 1_000, lasting: 20),
            search,
        ]
        // One instance lost at two nodes is one lost instance.
        let violations = [
            ChaosViolation(rule: "lost", detail: "x at metz-1", lines: [1], instance: "1.2.3"),
            ChaosViolation(rule: "lost", detail: "x at reims-1", lines: [1], instance: "1.2.3"),
            ChaosViolation(rule: "corrupt read", detail: "y", lines: [4], instance: "1.2.3"),
        ]
        let summary = ChaosRunSummary(
            scenario: "node-kill", seed: 7, history: history, violations: violations, healSeconds: 3.5,
            copiesRestoredSeconds: nil)
        #expect(!summary.passed)
        #expect(summary.operations == 9 && summary.writes == 3 && summary.reads == 6)
        #expect(summary.acknowledged == 2 && summary.acknowledgedRemote == 1)
        #expect(summary.lost == 1 && summary.corruptReads == 1)
        #expect(summary.readsDuringFaults == 2 && summary.readsRefusedDuringFaults == 1)
        #expect(summary.readP50DuringMilliseconds == 400 && summary.readP99DuringMilliseconds == 400)
        #expect(summary.readP50OutsideMilliseconds == 20 && summary.readP99OutsideMilliseconds == 30)
        #expect(summary.violations == violations.map(\.description))
        let table = ChaosReportTable.markdown([summary])
        #expect(
            table.contains("| node-kill | 7 | FAIL (3) | 9 | 2 (1) | 1 | 1 | 1 of 2 | 3.5 s | never | 400 / 400 ms"))
    }

    @Test("a short run scales the duration and every fault's time, not the heal bound")
    func scaled() throws {
        let scenario = ChaosScenario(
            name: "node-kill", description: "", durationSeconds: 120, healBoundSeconds: 120,
            workload: ChaosWorkload(writers: ["a"], readers: [], slicesPerStudy: 2, remoteAckShare: 0.5),
            faults: [
                ChaosFault(atSeconds: 20, action: .kill, node: "n"),
                ChaosFault(atSeconds: 61, action: .start, node: "n"),
            ])
        let short = scenario.scaled(by: 0.5)
        #expect(short.durationSeconds == 60 && short.healBoundSeconds == 120)
        #expect(short.faults.map(\.atSeconds) == [10, 30.5])
    }
}
