// Goal: the topology file is decoded strictly and Cluster/grand-est.json is what issue 12 asks for; the pure parts
// of the fabric (names of sides, the packet filter's rules, the queueing commands) say what they should. Method:
// decode the committed file and hostile variants; render faults for a small layout and read the text.
import Foundation
import Primitives
import Testing

@testable import Chaos

@Suite struct TopologyTests {
    static let grandEstPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Cluster/grand-est.json").path

    static func decode(_ text: String) throws(ChaosError) -> Topology { try Topology.decode(Array(text.utf8)) }

    static func node(_ name: String, _ site: String = "s", _ territory: String = "t") throws -> TopologyNode {
        TopologyNode(name: name, territory: try TerritoryID(territory), site: try SiteID(site), volumeCount: 2)
    }

    @Test("Cluster/grand-est.json: three territories, seven sites, nine nodes, two at the biggest sites")
    func grandEst() throws {
        let topology = try Topology.load(path: Self.grandEstPath)
        #expect(topology.name == "grand-est")
        #expect(topology.territories.map(\.name) == ["alsace", "lorraine", "champagne-ardenne"])
        #expect(
            topology.sites.map(\.name) == ["strasbourg", "colmar", "mulhouse", "nancy", "metz", "reims", "troyes"])
        #expect(topology.nodes.count == 9)
        let perSite = Dictionary(grouping: topology.nodes, by: \.site.name).mapValues(\.count)
        #expect(perSite["strasbourg"] == 2 && perSite["nancy"] == 2)
        #expect(topology.nodes.allSatisfy { $0.volumeCount >= 1 })
    }

    @Test(
        "hostile topology files are refused naming what is wrong",
        arguments: [
            (#"{"name": "r", "territories": [], "extra": 1}"#, "unknown key 'extra' in the top level"),
            (
                #"{"name": "r", "territories": [{"name": "t", "sites": [{"name": "s", "nodes": [{"name": "a", "volumeCount": 2, "disk": 1}]}]}]}"#,
                "unknown key 'disk' in territories[0].sites[0].nodes[0]"
            ),
            (#"{"name": "r", "territories": [{"name": "t", "sites": []}]}"#, "the territory 't' has no sites"),
            (#"{"name": "r", "territories": []}"#, "a topology holds 1 to"),
            (
                #"{"name": "r", "territories": [{"name": "t", "sites": [{"name": "s", "nodes": [{"name": "a", "volumeCount": 2}, {"name": "a", "volumeCount": 2}]}]}]}"#,
                "the node name 'a' appears twice"
            ),
            (
                #"{"name": "r", "territories": [{"name": "t", "sites": [{"name": "s", "nodes": [{"name": "A b", "volumeCount": 2}]}]}]}"#,
                "the node name 'A b' must be"
            ),
            (
                #"{"name": "r", "territories": [{"name": "t", "sites": [{"name": "s", "nodes": [{"name": "a", "volumeCount": 0}]}]}]}"#,
                "node 'a' has volumeCount 0"
            ),
            (
                #"{"name": "r", "territories": [{"name": "t", "sites": [{"name": "s", "nodes": [{"name": "a"}]}]}]}"#,
                "'volumeCount' is missing in territories[0].sites[0].nodes[0]"
            ),
            (
                #"{"name": "r", "territories": [{"name": "t", "sites": [{"name": "s", "nodes": [{"name": "a", "volumeCount": 2}]}]}, {"name": "u", "sites": [{"name": "s", "nodes": [{"name": "b", "volumeCount": 2}]}]}]}"#,
                "the site 's' appears twice"
            ),
            (#"{"name": "r", "territories": "none"}"#, "territories has the wrong type"),
            ("not json", "not valid JSON"),
        ])
    func hostileFiles(text: String, expected: String) {
        #expect {
            _ = try Self.decode(text)
        } throws: { error in
            (error as? ChaosError)?.description.contains(expected) == true
        }
    }

    @Test("sides name hosts, sites, territories and 'rest'; an unknown name is an error naming it")
    func sides() throws {
        let topology = try Topology.load(path: Self.grandEstPath)
        let site = try HostSelection.sides("strasbourg", "rest", in: topology.nodes)
        #expect(site.first == ["strasbourg-1", "strasbourg-2"])
        #expect(site.second.count == 7 && !site.second.contains("strasbourg-1"))
        let territories = try HostSelection.sides("rest", "alsace,metz-1", in: topology.nodes)
        #expect(territories.second == ["strasbourg-1", "strasbourg-2", "colmar-1", "mulhouse-1", "metz-1"])
        #expect(territories.first == ["nancy-1", "nancy-2", "reims-1", "troyes-1"])
        #expect(throws: ChaosError.self) { try HostSelection.sides("rest", "rest", in: topology.nodes) }
        #expect {
            try HostSelection.sides("paris", "rest", in: topology.nodes)
        } throws: { error in
            (error as? ChaosError)?.description.contains("'paris' is no host, site or territory") == true
        }
    }

    @Test("layout: unique namespace names per run, addresses counted from 10.77.0.2, bad run ids refused")
    func layout() throws {
        let layout = try FabricLayout(runID: "ab12", nodes: [try Self.node("a"), try Self.node("b")])
        #expect(layout.namespaces == ["tsr-ab12-a", "tsr-ab12-b", "tsr-ab12.fabric"])
        #expect(try layout.address(of: "b") == "10.77.0.3")
        #expect(layout.address(ofIndex: 300) == "10.77.1.46")
        #expect(throws: ChaosError.self) { try FabricLayout(runID: "AB-12", nodes: [try Self.node("a")]) }
        #expect(throws: ChaosError.self) { try layout.address(of: "c") }
    }

    @Test("faults render as drop rules per direction, loss as a random draw, shaping as htb classes per target")
    func rendering() throws {
        let layout = try FabricLayout(
            runID: "1", nodes: [try Self.node("a"), try Self.node("b"), try Self.node("c")])
        var faults = FaultState()
        faults.cut(from: ["a"], to: ["b", "a"])
        faults.shape(from: ["b"], to: ["c"], as: LinkShape(lossPercent: 2.5))
        faults.shape(from: ["a"], to: ["c"], as: LinkShape(delayMilliseconds: 30, jitterMilliseconds: 5))
        faults.shape(from: ["c"], to: ["a"], as: LinkShape(rateKilobitsPerSecond: 800))
        let rules = try PacketFilterRules.script(for: faults, layout: layout)
        #expect(rules.contains("ip saddr 10.77.0.2 ip daddr 10.77.0.3 drop"))
        #expect(!rules.contains("ip saddr 10.77.0.3 ip daddr 10.77.0.2 drop"))
        #expect(!rules.contains("ip saddr 10.77.0.2 ip daddr 10.77.0.2"))  // never cut from itself
        #expect(rules.contains("ip saddr 10.77.0.3 ip daddr 10.77.0.4 numgen random mod 10000 < 250 drop"))
        let fromA = try QueueingCommands.arguments(for: "a", faults: faults, layout: layout).map {
            $0.joined(separator: " ")
        }
        #expect(fromA.contains("qdisc add dev eth0 parent 1:4 handle 4: netem delay 30ms 5ms"))
        #expect(
            fromA.contains("filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 10.77.0.4/32 flowid 1:4"))
        let fromC = try QueueingCommands.arguments(for: "c", faults: faults, layout: layout).map {
            $0.joined(separator: " ")
        }
        #expect(fromC.contains { $0.contains("classid 1:2 htb rate 800kbit ceil 800kbit") })
        #expect(!fromC.contains { $0.contains("netem") })
        // Loss alone needs no queueing: the packet filter draws it.
        #expect(try QueueingCommands.arguments(for: "b", faults: faults, layout: layout).isEmpty)
        faults.restoreAll()
        faults.shape(from: ["a", "b", "c"], to: ["a", "b", "c"], as: .clear)
        #expect(faults.isClear)
    }

    @Test("the fault state's file form is sorted and reads back the same")
    func faultStateRoundTrip() throws {
        var faults = FaultState()
        faults.cut(from: ["b", "a"], to: ["c"])
        faults.shape(from: ["c"], to: ["a"], as: LinkShape(delayMilliseconds: 2, lossPercent: 1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(faults)
        #expect(try JSONDecoder().decode(FaultState.self, from: data) == faults)
        #expect(String(decoding: data, as: UTF8.self).contains(#""source":"a""#))
    }
}
