// Goal: placement picks exactly what the brute-force definition picks, keeps territories apart, and does not depend
// on input order. Method: seeded random regions and studies, each answer compared with `oraclePlacement`.
import Foundation
import Placement
import Primitives
import Testing

@Suite struct PlacementOracleTests {
    @Test("placement agrees with the brute-force oracle over random regions, origins and policies", arguments: 0..<12)
    func matchesOracle(seed: UInt64) throws {
        var random = SeededRandom(seed: 1000 + seed)
        let nodes = makeNodes(
            seed: seed, territoryCount: 1 + Int(random.next() % 4), sitesPerTerritory: 1 + Int(random.next() % 4),
            nodesPerSite: 1 + Int(random.next() % 5))
        let topology = try PlacementTopology(version: seed, nodes: nodes)
        let policy = try PlacementPolicy(
            replicaCount: 1 + Int(random.next() % 4), fallbackSiteCount: Int(random.next() % 3),
            nodesPerSiteCount: 1 + Int(random.next() % 3))
        let siteNames = topology.sites.map(\.id) + [site("no-live-node")]
        for index in 0..<300 {
            let origin = siteNames[Int(random.next() % UInt64(siteNames.count))]
            let answer = topology.place(studyUID: studyUID(index), originSite: origin, policy: policy)
            let expected = oraclePlacement(
                nodes: nodes, version: seed, studyUID: studyUID(index), originSite: origin, policy: policy)
            #expect(answer == expected, "seed \(seed), study \(index), origin \(origin)")
            #expect(answer.holders.count == min(policy.replicaCount, topology.sites.count))
            #expect(answer.isShort == (topology.sites.count < policy.replicaCount))
            if topology.site(origin) != nil { #expect(answer.holders.first?.site == origin) }
            let all = answer.candidates.map(\.node)
            #expect(Set(all).count == all.count, "a node is named twice for study \(index)")
            #expect(Set(answer.holders.map(\.site)).count == answer.holders.count, "two holders share a site")
        }
    }

    @Test("with two or more territories the R = 2 holders are in two territories, and R = 3 over three uses three")
    func territoriesAreDiverse() throws {
        for (territoryCount, replicaCount) in [(2, 2), (3, 2), (3, 3), (5, 3)] {
            let topology = try PlacementTopology(
                version: 1,
                nodes: makeNodes(seed: 7, territoryCount: territoryCount, sitesPerTerritory: 4, nodesPerSite: 2))
            let policy = try PlacementPolicy(replicaCount: replicaCount)
            for index in 0..<2000 {
                let origin = topology.sites[index % topology.sites.count].id
                let answer = topology.place(studyUID: studyUID(index), originSite: origin, policy: policy)
                #expect(Set(answer.holders.map(\.territory)).count == replicaCount, "study \(index) from \(origin)")
            }
        }
    }

    @Test("the same nodes in any order give the same topology and the same holders")
    func inputOrderDoesNotMatter() throws {
        let nodes = makeNodes(seed: 21, territoryCount: 3, sitesPerTerritory: 3, nodesPerSite: 4)
        let reference = try PlacementTopology(version: 9, nodes: nodes)
        var random = SeededRandom(seed: 22)
        for _ in 0..<5 {
            let shuffled = try PlacementTopology(version: 9, nodes: nodes.shuffled(using: &random))
            #expect(shuffled == reference)
            for index in 0..<500 {
                let origin = reference.sites[index % reference.sites.count].id
                #expect(
                    shuffled.place(studyUID: studyUID(index), originSite: origin)
                        == reference.place(studyUID: studyUID(index), originSite: origin))
            }
        }
    }

    @Test("the hashes are a format: pinned values that MUST NOT change without a migration")
    func hashesArePinned() {
        #expect(PlacementHash.studyKey(studyUID: "1.2.3") == 15_424_872_226_591_858_823)
        #expect(PlacementHash.siteKey(site("strasbourg")) == 11_150_940_880_329_745_285)
        #expect(PlacementHash.studyKey(studyUID: "") == 7_498_617_958_830_209_451)
        #expect(PlacementHash.studyKey(studyUID: studyUID(12345)) == 6_675_916_461_877_321_966)
        #expect(PlacementHash.studyKey(studyUID: "1.2.3") != PlacementHash.studyKey(studyUID: "1.2.4"))
        #expect(PlacementHash.unitInterval(0) == 0x1p-53)
        #expect(PlacementHash.unitInterval(.max) == 1 - 0x1p-53)
    }
}
