// Goal: a membership change moves only the studies whose winner changed, in the proportions rendezvous hashing
// promises. Method: place ≥ 12,000 studies before and after one change and count, printing the figures.
import Placement
import Primitives
import Testing

@Suite struct PlacementMovementTests {
    static let studyCount = 12_000

    /// A region with one site of `nodesInSite` equal nodes (`t0-big`) and two more territories of smaller sites.
    func region(nodesInSite: Int, seed: UInt64) -> [PlacementNode] {
        var random = SeededRandom(seed: seed)
        let big = (0..<nodesInSite).map { _ in
            PlacementNode(
                id: NodeID(random.next()), site: site("t0-big"), territory: territory("t0"), freeBytes: 500 * gib)
        }
        return big + makeNodes(seed: seed + 1, territoryCount: 3, sitesPerTerritory: 2, nodesPerSite: 3)
    }

    @Test("adding one node to a site of 20 moves about 1/21 of that site's studies, all onto the new node")
    func addingOneNodeMovesItsShare() throws {
        let nodes = region(nodesInSite: 20, seed: 31)
        let before = try PlacementTopology(version: 1, nodes: nodes)
        let newcomer = PlacementNode(
            id: NodeID(0xABCD), site: site("t0-big"), territory: territory("t0"), freeBytes: 500 * gib)
        let after = try PlacementTopology(version: 2, nodes: nodes + [newcomer])
        var moved = 0
        for index in 0..<Self.studyCount {
            let old = before.place(studyUID: studyUID(index), originSite: site("t0-big"))
            let new = after.place(studyUID: studyUID(index), originSite: site("t0-big"))
            #expect(Array(old.holders.dropFirst()) == Array(new.holders.dropFirst()), "another site moved")
            if old.holders[0] != new.holders[0] {
                moved += 1
                #expect(new.holders[0].node == newcomer.id, "study \(index) moved to a node that was already there")
            }
        }
        let fraction = Double(moved) / Double(Self.studyCount)
        print(
            "placement: adding 1 node to 20 moved \(moved) of \(Self.studyCount) studies (\(fraction), 1/21 = \(1.0 / 21))"
        )
        #expect(abs(fraction - 1.0 / 21) < 0.008)
    }

    @Test("removing one node moves only the studies it held, each to its site's runner-up")
    func removingOneNodeMovesOnlyItsStudies() throws {
        let nodes = region(nodesInSite: 20, seed: 41)
        let before = try PlacementTopology(version: 1, nodes: nodes)
        let gone = nodes[7]
        let after = try PlacementTopology(version: 2, nodes: nodes.filter { $0.id != gone.id })
        var held = 0
        for index in 0..<Self.studyCount {
            let origin = before.sites[index % before.sites.count].id
            let old = before.place(studyUID: studyUID(index), originSite: origin)
            let new = after.place(studyUID: studyUID(index), originSite: origin)
            guard let slot = old.holders.firstIndex(where: { $0.node == gone.id }) else {
                #expect(old.holders == new.holders, "study \(index) moved though node \(gone.id) did not hold it")
                continue
            }
            held += 1
            var expected = old.holders
            expected[slot] = old.fallbacks.first { $0.site == gone.site }!
            #expect(new.holders == expected, "study \(index) did not move to its runner-up")
        }
        print("placement: removing 1 node of 20 moved \(held) of \(Self.studyCount) studies, all of them its own")
        #expect(held > 0)
    }

    @Test("a new site in one territory takes only its share, and no study moves between two other sites")
    func newSiteTakesOnlyItsShare() throws {
        let nodes = makeNodes(seed: 51, territoryCount: 3, sitesPerTerritory: 4, nodesPerSite: 3)
        let before = try PlacementTopology(version: 1, nodes: nodes)
        var random = SeededRandom(seed: 52)
        let added = (0..<3).map { _ in
            PlacementNode(
                id: NodeID(random.next()), site: site("t1-new"), territory: territory("t1"), freeBytes: 800 * gib)
        }
        let after = try PlacementTopology(version: 2, nodes: nodes + added)
        var moved = 0
        var expectedMoves = 0.0
        for index in 0..<Self.studyCount {
            let origin = before.sites[Int(random.next() % UInt64(before.sites.count))]
            let old = before.place(studyUID: studyUID(index), originSite: origin.id)
            let new = after.place(studyUID: studyUID(index), originSite: origin.id)
            // R = 2: the second holder is the best site outside the origin's territory; the new site wins it with
            // probability 1 / (candidates + 1) when its territory differs from the origin's.
            if origin.territory != territory("t1") {
                let candidates = before.sites.filter { $0.territory != origin.territory }.count
                expectedMoves += 1.0 / Double(candidates + 1)
            }
            #expect(old.holders[0] == new.holders[0], "study \(index) lost its origin holder")
            if old.holders != new.holders {
                moved += 1
                #expect(new.holders[1].site == site("t1-new"), "study \(index) moved between two old sites")
            }
        }
        print(
            "placement: a new site in t1 took \(moved) of \(Self.studyCount) studies (expected \(Int(expectedMoves)))")
        #expect(abs(Double(moved) - expectedMoves) < 0.12 * expectedMoves)
    }

    @Test("a few bytes more or less of free space move nothing")
    func smallFreeSpaceChangesMoveNothing() throws {
        var random = SeededRandom(seed: 61)
        let nodes = makeNodes(seed: 62, territoryCount: 2, sitesPerTerritory: 3, nodesPerSite: 5)
        let jittered = nodes.map { node in
            let delta = random.next() % (64 << 20)  // up to 64 MiB written or freed
            let free = random.next() % 2 == 0 ? node.freeBytes + delta : node.freeBytes - delta
            return PlacementNode(id: node.id, site: node.site, territory: node.territory, freeBytes: free)
        }
        let before = try PlacementTopology(version: 1, nodes: nodes)
        let after = try PlacementTopology(version: 2, nodes: jittered)
        var moved = 0
        for index in 0..<Self.studyCount {
            let origin = before.sites[index % before.sites.count].id
            if before.place(studyUID: studyUID(index), originSite: origin).candidates
                != after.place(studyUID: studyUID(index), originSite: origin).candidates
            {
                moved += 1
            }
        }
        let stepsChanged = zip(nodes, jittered).filter { $0.weight != $1.weight }.count
        print(
            "placement: free space moved by ≤ 64 MiB on 30 nodes: \(stepsChanged) weight steps changed, \(moved) moved")
        // At ≥ 50 GiB free a step is ≥ 9 GiB wide, so 64 MiB crosses no step here and nothing may move.
        #expect(stepsChanged == 0)
        #expect(moved == 0)
    }

    @Test("a node with twice the free space wins about twice the studies of its site")
    func doubleWeightWinsDouble() throws {
        let nodes = [100, 100, 200].enumerated().map { index, free in
            PlacementNode(
                id: NodeID(UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15), site: site("only"), territory: territory("t"),
                freeBytes: UInt64(free) * gib)
        }
        let topology = try PlacementTopology(version: 1, nodes: nodes)
        var wins = [0, 0, 0]
        for index in 0..<Self.studyCount {
            let holder = topology.place(studyUID: studyUID(index), originSite: site("only")).holders[0]
            wins[nodes.firstIndex { $0.id == holder.node }!] += 1
        }
        let shares = wins.map { Double($0) / Double(Self.studyCount) }
        print("placement: shares for free space 100, 100, 200 GiB: \(shares)")
        #expect(abs(shares[2] - 0.5) < 0.02)
        #expect(abs(shares[0] - 0.25) < 0.02 && abs(shares[1] - 0.25) < 0.02)
    }
}
