// Goal: the chaos checker finds every broken promise in a history (an acknowledged instance lost at a survivor, a
// read of bytes no write sent, catalogs that did not converge), excuses what no promise covered (ack=local at a site
// that lost its disks, a failed write's bytes read back), and names the history lines behind each; a history file
// reads back as written, and a damaged one is refused naming its line.
// Method: histories and observations written by hand, pure calls.
import Chaos
import Foundation
import Posix
import TestSupport
import Testing

@Suite struct ChaosCheckerTests {
    static let sites = ["strasbourg-1": "strasbourg", "nancy-1": "nancy", "reims-1": "reims"]

    static func write(
        _ node: String, ack: String, _ instances: [(String, String)], outcome: ChaosOperation.Outcome = .ok
    )
        -> ChaosOperation
    {
        ChaosOperation(
            kind: .write, startMilliseconds: 1_000, endMilliseconds: 1_200, node: node, ackMode: ack, study: "1.2",
            instances: instances.map { ChaosInstance(uid: $0.0, sha256: $0.1) }, outcome: outcome)
    }

    static func read(_ node: String, _ instances: [(String, String)]) -> ChaosOperation {
        ChaosOperation(
            kind: .read, startMilliseconds: 2_000, endMilliseconds: 2_100, node: node, study: "1.2",
            instances: instances.map { ChaosInstance(uid: $0.0, sha256: $0.1) }, outcome: .ok)
    }

    static func check(_ history: [ChaosOperation], _ observation: ChaosObservation) -> [ChaosViolation] {
        ChaosChecker.violations(of: history, observation: observation) { sites[$0] }
    }

    /// Every survivor reads `held` and has catalog "c1".
    static func observation(_ held: [String: String?], survivors: [String] = ["nancy-1", "reims-1"]) -> ChaosObservation
    {
        ChaosObservation(
            reads: Dictionary(uniqueKeysWithValues: survivors.map { ($0, held) }),
            catalogs: Dictionary(uniqueKeysWithValues: survivors.map { ($0, "c1") }))
    }

    @Test("a clean run has no violations; a failed write's bytes may be read back")
    func clean() {
        let history = [
            Self.write("strasbourg-1", ack: "remote", [("1.2.1", "aa")]),
            Self.write("nancy-1", ack: "local", [("1.2.2", "bb")]),
            Self.write("reims-1", ack: "remote", [("1.2.3", "cc")], outcome: .failed),
            Self.read("reims-1", [("1.2.1", "aa"), ("1.2.3", "cc")]),
        ]
        #expect(Self.check(history, Self.observation(["1.2.1": "aa", "1.2.2": "bb", "1.2.3": "cc"])).isEmpty)
    }

    @Test("an acknowledged instance missing at a survivor is lost, naming the instance, the node and the line")
    func lost() {
        let history = [
            Self.read("nancy-1", []),
            Self.write("strasbourg-1", ack: "remote", [("1.2.1", "aa")]),
        ]
        var observation = Self.observation(["1.2.1": "aa"])
        observation.reads["reims-1"]?["1.2.1"] = .some(nil)
        let violations = Self.check(history, observation)
        #expect(violations.count == 1)
        #expect(violations.first?.rule == "lost" && violations.first?.lines == [2])
        #expect(
            violations.first?.description.contains(
                "1.2.1, acknowledged by strasbourg-1 with ack=remote, cannot "
                    + "be read at reims-1") == true, "\(violations)")
    }

    @Test("ack=local is excused only where the site lost its disks")
    func localAcknowledgements() {
        let history = [Self.write("strasbourg-1", ack: "local", [("1.2.1", "aa")])]
        var observation = Self.observation(["1.2.1": nil])
        #expect(Self.check(history, observation).map(\.rule) == ["lost", "lost"])
        observation.sitesWithoutDisks = ["strasbourg"]
        #expect(Self.check(history, observation).isEmpty)
        let remote = [Self.write("strasbourg-1", ack: "remote", [("1.2.1", "aa")])]
        #expect(Self.check(remote, observation).map(\.rule) == ["lost", "lost"])
    }

    @Test("a read of bytes no write sent is corrupt, during the run or at the end")
    func corruptReads() {
        let history = [
            Self.write("strasbourg-1", ack: "remote", [("1.2.1", "aa")]),
            Self.read("nancy-1", [("1.2.1", "ab")]),
        ]
        let during = Self.check(history, Self.observation(["1.2.1": "aa"]))
        #expect(during.map(\.rule) == ["corrupt read"] && during.first?.lines == [2])
        let atTheEnd = Self.check([history[0]], Self.observation(["1.2.1": "ff"]))
        #expect(atTheEnd.map(\.rule) == ["corrupt read", "corrupt read"])
    }

    @Test("catalogs that did not converge are one violation naming the groups")
    func catalogs() {
        var observation = Self.observation([:], survivors: ["nancy-1", "reims-1", "strasbourg-1"])
        observation.catalogs["reims-1"] = "c2"
        let violations = Self.check([], observation)
        #expect(violations.map(\.rule) == ["catalogs differ"])
        #expect(violations.first?.detail.contains("[nancy-1, strasbourg-1] ≠ [reims-1]") == true, "\(violations)")
    }

    @Test("a history reads back as written; a damaged line is refused naming it")
    func historyFile() throws {
        let operations = [
            Self.write("strasbourg-1", ack: "remote", [("1.2.1", "aa")]),
            ChaosOperation(
                kind: .nemesis, startMilliseconds: 5, endMilliseconds: 9, outcome: .ok, action: "kill",
                targets: ["nancy-1"], detail: "SIGKILL"),
        ]
        var bytes: [UInt8] = []
        for operation in operations { bytes += try ChaosHistory.line(operation) + [UInt8(ascii: "\n")] }
        #expect(try ChaosHistory.decode(bytes) == operations)
        let good = try ChaosHistory.line(operations[1])
        let cases: [([UInt8], String)] = [
            (good + Array("\n{oops\n".utf8), "line 2 of the history is not an operation: not JSON"),
            (Array(#"{"kind": "write"}"#.utf8), "line 1 of the history is not an operation: no 'startMilliseconds'"),
            (
                Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"kill\"", with: "7").utf8),
                "'action' has the wrong type"
            ),
            (
                Array(
                    String(decoding: good, as: UTF8.self).replacingOccurrences(
                        of: "\"endMilliseconds\":9",
                        with:
                            "\"endMilliseconds\":4"
                    ).utf8), "line 1 of the history ends before it starts"
            ),
            ([UInt8](repeating: UInt8(ascii: "x"), count: ChaosHistory.lineBytesMax + 1), "is over 4194304 bytes"),
        ]
        for (damaged, reason) in cases {
            #expect {
                _ = try ChaosHistory.decode(damaged)
            } throws: {
                "\($0)".contains(reason)
            }
        }
    }

    @Test("appends from several threads at once land as whole lines, every one read back")
    func concurrentAppends() async throws {
        let directory = TemporaryDirectory(prefix: "chaos-history")
        let path = directory.appending("history.jsonl")
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    await runOnOwnedThread {
                        for index in 0..<200 {
                            let uid = "1.2.\(writer).\(index)"
                            try? ChaosHistory.append(Self.write("reims-1", ack: "local", [(uid, "aa")]), to: path)
                        }
                    }
                }
            }
        }
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let operations = try ChaosHistory.decode(Array(bytes))
        #expect(operations.count == 800)
        #expect(Set(operations.flatMap(\.instances).map(\.uid)).count == 800)
    }
}
