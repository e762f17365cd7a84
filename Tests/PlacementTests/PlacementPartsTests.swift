// Goal: the parts placement is built from hold their contracts: the fixed logarithm is accurate, weights step on
// the documented scale, bad topologies and policies are refused by name, and placing is cheap at 2,000 nodes.
// Method: compare with Foundation's log, sweep free space, feed broken inputs, and time 10,000 placements.
import Foundation
import Placement
import Primitives
import Testing

@Suite struct PlacementPartsTests {
    @Test("the fixed logarithm is within 4 ulp of Foundation's log, over (0, 1) and far outside it")
    func logarithmIsAccurate() {
        var random = SeededRandom(seed: 71)
        var worstULP = 0.0
        for index in 0..<200_000 {
            let x =
                index % 2 == 0
                ? PlacementHash.unitInterval(random.next())
                : Double(
                    sign: .plus, exponent: Int(random.next() % 2000) - 1000,
                    significand: 1 + Double(random.next() >> 12) * 0x1p-52)
            let ours = Logarithm.natural(x)
            let reference = log(x)
            if reference != 0 { worstULP = max(worstULP, abs(ours - reference) / reference.ulp) }
        }
        print("placement: worst logarithm error \(worstULP) ulp over 200,000 values")
        #expect(worstULP <= 4)
        #expect(Logarithm.natural(1) == 0)
        #expect(abs(Logarithm.natural(2) - M_LN2) <= M_LN2.ulp)
        #expect(Logarithm.natural(0x1p-53) < 0)
    }

    @Test("weights step four times per doubling of whole GiB, minimum 1, and never decrease with more space")
    func weightsStepOnALogScale() {
        #expect(PlacementWeight(freeBytes: 0).step == 0)
        #expect(PlacementWeight(freeBytes: gib - 1).step == 0)
        #expect(PlacementWeight(freeBytes: gib).value == 1)
        #expect(PlacementWeight(freeBytes: 2 * gib).value == 2)
        #expect(PlacementWeight(freeBytes: 1024 * gib).step == 40)
        #expect(PlacementWeight(freeBytes: 1024 * gib).value == 1024)
        #expect(PlacementWeight(freeBytes: 1189 * gib / 1000).step == 0)  // just below 2^(1/4) GiB
        // Whole GiB: 4, 5, 6 and 7 GiB are steps 8 to 11 (log2 of 5 is 2.32, of 6 is 2.58, of 7 is 2.81).
        #expect((4...7).map { PlacementWeight(freeBytes: UInt64($0) * gib).step } == [8, 9, 10, 11])
        #expect(PlacementWeight(freeBytes: 5 * gib + gib - 1).step == 9)
        var previous = PlacementWeight(freeBytes: 0)
        var free: UInt64 = 1 << 20
        while free < UInt64(1) << 62 {
            let weight = PlacementWeight(freeBytes: free)
            #expect(weight >= previous)
            // The weight stays within one step (19 %) below the free space in GiB, never above it.
            let units = Double(free / gib)
            if units >= 1 { #expect(weight.value <= units && weight.value > units / 1.19) }
            previous = weight
            free = free + free / 7
        }
    }

    @Test("duplicate nodes, a node in two sites and a site in two territories are refused by name")
    func badTopologiesAreRefused() {
        let a = PlacementNode(id: NodeID(1), site: site("alpha"), territory: territory("east"), freeBytes: gib)
        let b = PlacementNode(id: NodeID(2), site: site("alpha"), territory: territory("west"), freeBytes: gib)
        let aElsewhere = PlacementNode(id: NodeID(1), site: site("beta"), territory: territory("east"), freeBytes: gib)
        #expect(throws: PlacementError(.duplicateNode, "node 0000000000000001 is listed twice, at site alpha")) {
            try PlacementTopology(version: 1, nodes: [a, a])
        }
        #expect(
            throws: PlacementError(
                .duplicateNode, "node 0000000000000001 is listed twice, at site alpha (east) and at site beta (east)")
        ) { try PlacementTopology(version: 1, nodes: [aElsewhere, a]) }
        #expect(
            throws: PlacementError(
                .siteInTwoTerritories,
                "site alpha is in territory east (node 0000000000000001) and in territory west (node 0000000000000002)")
        ) { try PlacementTopology(version: 1, nodes: [b, a]) }
        #expect(throws: PlacementError.self) { try PlacementPolicy(replicaCount: 0) }
        #expect(throws: PlacementError.self) { try PlacementPolicy(replicaCount: 2, fallbackSiteCount: 17) }
        #expect(throws: PlacementError.self) { try PlacementPolicy(replicaCount: 2, nodesPerSiteCount: 0) }
    }

    @Test("with fewer live sites than R the answer is short and says so; a dead origin gives way to the next site")
    func shortAndOriginless() throws {
        let nodes = makeNodes(seed: 81, territoryCount: 1, sitesPerTerritory: 1, nodesPerSite: 3)
        let lonely = try PlacementTopology(version: 4, nodes: nodes)
        let answer = lonely.place(studyUID: studyUID(1), originSite: site("t0-s0"))
        #expect(answer.isShort && answer.holders.count == 1 && answer.fallbacks.count == 2)
        #expect(answer.topologyVersion == 4)
        let empty = try PlacementTopology(version: 5, nodes: [])
        #expect(empty.place(studyUID: studyUID(1), originSite: site("t0-s0")).candidates == [])
        let region = try PlacementTopology(
            version: 6, nodes: makeNodes(seed: 82, territoryCount: 2, sitesPerTerritory: 2, nodesPerSite: 2))
        let orphan = region.place(studyUID: studyUID(2), originSite: site("gone"))
        #expect(!orphan.isShort && orphan.holders.count == 2)
        #expect(orphan.holders[0].territory != orphan.holders[1].territory)
    }

    @Test("placing one study among 2,000 nodes in 200 sites is cheap (figure printed, not asserted)")
    func placementIsCheap() throws {
        let topology = try PlacementTopology(
            version: 1, nodes: makeNodes(seed: 91, territoryCount: 5, sitesPerTerritory: 40, nodesPerSite: 10))
        #expect(topology.nodes.count == 2000 && topology.sites.count == 200)
        let count = 10_000
        var checksum: UInt64 = 0
        let elapsed = ContinuousClock().measure {
            for index in 0..<count {
                let origin = topology.sites[index % 200].id
                checksum ^= topology.place(studyUID: studyUID(index), originSite: origin).holders[1].node.rawValue
            }
        }
        let microseconds = Double(
            elapsed.components.attoseconds / 1_000_000_000_000 + elapsed.components.seconds * 1_000_000)
        print("placement: \(microseconds / Double(count)) µs per study among 2,000 nodes in 200 sites (debug build)")
        #expect(checksum != 0)
    }
}
