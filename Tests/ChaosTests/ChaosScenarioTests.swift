// Goal: every scenario the issue names is a file under Chaos/scenarios/ that reads and checks against the Grand Est
// topology; a scenario that names what the topology lacks, or lacks what its fault needs, is refused naming the
// fault; `random` replays from its seed, draws every kind of fault over seeds, and ends each fault it starts.
// Method: the real files; scenarios and topologies written in the test.
import Foundation
import Testing

@testable import Chaos

@Suite struct ChaosScenarioTests {
    static let scenariosPath = URL(fileURLWithPath: TopologyTests.grandEstPath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Chaos/scenarios").path

    static func grandEst() throws -> Topology { try Topology.load(path: TopologyTests.grandEstPath) }

    @Test("every scenario the issue names is a file that checks against Cluster/grand-est.json")
    func files() throws {
        let topology = try Self.grandEst()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.scenariosPath).filter {
            $0.hasSuffix(".json")
        }
        #expect(
            Set(names)
                == [
                    "node-kill.json", "node-pause.json", "site-partition.json", "territory-partition.json",
                    "flapping-link.json", "bit-flips.json", "volume-removed.json", "full-disk.json", "clock-skew.json",
                    "rolling-restart.json", "same-study-two-sites.json",
                ])
        for name in names {
            let scenario = try ChaosScenario.load(path: Self.scenariosPath + "/" + name, topology: topology)
            #expect(scenario.name + ".json" == name)
            #expect(!scenario.faults.isEmpty && !scenario.description.isEmpty)
        }
    }

    @Test("a fault naming what the topology lacks, or lacking what it needs, is refused naming the fault")
    func hostile() throws {
        let topology = try Self.grandEst()
        let base = try ChaosScenario.load(path: Self.scenariosPath + "/node-kill.json", topology: topology)
        let cases: [(ChaosFault, String)] = [
            (ChaosFault(atSeconds: 5, action: .kill, node: "paris-1"), "fault 1 (kill): 'node' must name a node"),
            (
                ChaosFault(atSeconds: 5, action: .partition, sides: ["alsace"]),
                "fault 1 (partition): 'sides' must name two"
            ),
            (
                ChaosFault(atSeconds: 5, action: .partition, sides: ["vosges", "rest"]),
                "'vosges' is no host, site or territory"
            ),
            (ChaosFault(atSeconds: 5, action: .flipBits, node: "reims-1"), "'count' must be 1 to 1,000"),
            (ChaosFault(atSeconds: 5, action: .removeVolume, node: "colmar-1", volume: 4), "'volume' must be 0 to 3"),
            (
                ChaosFault(atSeconds: 500, action: .kill, node: "reims-1"),
                "atSeconds 500.0 is outside the run's 120.0 s"
            ),
            (ChaosFault(atSeconds: 5, action: .shape, sides: ["reims", "rest"]), "needs delayMilliseconds"),
            (ChaosFault(atSeconds: 5, action: .sameStudy, nodes: ["reims-1"]), "two or more nodes"),
        ]
        for (fault, reason) in cases {
            var scenario = base
            scenario.faults = [fault]
            #expect {
                try scenario.check(in: topology)
            } throws: {
                "\($0)".contains(reason)
            }
        }
        let unknownAction = Array(
            #"{"name": "x", "description": "", "durationSeconds": 10, "healBoundSeconds": 10, "workload": {"writers": ["reims"], "readers": [], "slicesPerStudy": 1, "remoteAckShare": 0}, "faults": [{"atSeconds": 1, "action": "explode"}]}"#
                .utf8)
        #expect {
            _ = try ChaosScenario.decode(unknownAction, topology: topology)
        } throws: {
            "\($0)".contains("not a scenario: 'faults.0.action' is not valid")
        }
        #expect {
            _ = try ChaosScenario.decode(
                [UInt8](repeating: 32, count: ChaosScenario.fileBytesMax + 1), topology: topology)
        } throws: {
            "\($0)".contains("over 1048576 bytes")
        }
    }

    @Test("random: the same seed the same faults, every kind over seeds, each fault ended before the last 15 s")
    func random() throws {
        let topology = try Self.grandEst()
        let first = ChaosScenario.random(seed: 7, durationSeconds: 600, topology: topology)
        #expect(first == ChaosScenario.random(seed: 7, durationSeconds: 600, topology: topology))
        #expect(first != ChaosScenario.random(seed: 8, durationSeconds: 600, topology: topology))
        var actions: Set<ChaosFault.Action> = []
        for seed in UInt64(1)...30 {
            let scenario = ChaosScenario.random(seed: seed, durationSeconds: 600, topology: topology)
            try scenario.check(in: topology)
            actions.formUnion(scenario.faults.map(\.action))
            #expect(scenario.faults.allSatisfy { $0.atSeconds <= 585 })
            #expect(zip(scenario.faults, scenario.faults.dropFirst()).allSatisfy { $0.atSeconds <= $1.atSeconds })
            // What starts is ended: kill/start, pause/resume, fill/free, cuts healed, shapes cleared, skews reset.
            var open: [String: Int] = [:]
            for fault in scenario.faults {
                let key = "\(fault.node ?? "")|\(fault.sides ?? [])"
                switch fault.action {
                case .kill, .pause, .fillDisk, .shape: open[key, default: 0] += 1
                case .start, .resume, .freeDisk, .clearShape: open[key, default: 0] -= 1
                case .partition, .partitionOneWay: open[key] = 1
                case .heal: open[key] = 0
                case .skewClock: open[key] = fault.seconds == 0 ? 0 : 1
                default: break
                }
            }
            #expect(open.values.allSatisfy { $0 == 0 }, "seed \(seed): \(open.filter { $0.value != 0 })")
        }
        #expect(actions == Set(ChaosFault.Action.allCases))
    }
}
