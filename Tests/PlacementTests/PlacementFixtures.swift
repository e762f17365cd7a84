// Shared builders for the placement tests: seeded regions of territories, sites and nodes, study UIDs, and a
// brute-force oracle written the slow, obvious way (STYLE.md, "Oracles").
import Foundation
import Placement
import Primitives

/// 1 GiB, for readable free-space figures.
let gib: UInt64 = 1 << 30

/// A checked site name from a test literal.
func site(_ name: String) -> SiteID { try! SiteID(name) }

/// A checked territory name from a test literal.
func territory(_ name: String) -> TerritoryID { try! TerritoryID(name) }

/// The `index`th synthetic study UID (a DICOM-shaped UID under a test root).
func studyUID(_ index: Int) -> String { "1.2.826.0.1.3680043.10.543.\(index)" }

/// Nodes for `territoryCount` territories of `sitesPerTerritory` sites of `nodesPerSite` nodes, with seeded ids
/// and free space between 50 GiB and 4 TiB (or exactly `freeBytes` for every node when given).
func makeNodes(
    seed: UInt64, territoryCount: Int, sitesPerTerritory: Int, nodesPerSite: Int, freeBytes: UInt64? = nil
) -> [PlacementNode] {
    var random = SeededRandom(seed: seed)
    var nodes: [PlacementNode] = []
    for territoryIndex in 0..<territoryCount {
        for siteIndex in 0..<sitesPerTerritory {
            for _ in 0..<nodesPerSite {
                let free = freeBytes ?? (50 * gib + random.next() % (4046 * gib))
                nodes.append(
                    PlacementNode(
                        id: NodeID(random.next()), site: site("t\(territoryIndex)-s\(siteIndex)"),
                        territory: territory("t\(territoryIndex)"), freeBytes: free))
            }
        }
    }
    return nodes
}

/// Placement computed the slow way from the flat node list: linear scans for every choice, Foundation's `log` for
/// the weighted scores, no sorting and no topology structure. It MUST agree with `PlacementTopology.place`.
func oraclePlacement(
    nodes: [PlacementNode], version: UInt64, studyUID: String, originSite: SiteID, policy: PlacementPolicy
) -> StudyPlacement {
    let studyKey = PlacementHash.studyKey(studyUID: studyUID)
    var siteNames: [SiteID] = []
    for node in nodes where !siteNames.contains(node.site) { siteNames.append(node.site) }
    func territoryOf(_ name: SiteID) -> TerritoryID { nodes.first { $0.site == name }!.territory }
    func beats(_ left: SiteID, _ right: SiteID) -> Bool {
        let leftScore = PlacementScore.site(studyKey: studyKey, siteKey: PlacementHash.siteKey(left))
        let rightScore = PlacementScore.site(studyKey: studyKey, siteKey: PlacementHash.siteKey(right))
        return leftScore != rightScore ? leftScore > rightScore : left < right
    }
    var chosen: [SiteID] = []
    var used: [TerritoryID] = []
    if siteNames.contains(originSite) {
        chosen.append(originSite)
        used.append(territoryOf(originSite))
    }
    let wanted = min(siteNames.count, policy.replicaCount + policy.fallbackSiteCount)
    while chosen.count < wanted {
        let open = siteNames.filter { !chosen.contains($0) }
        var preferred = open.filter { !used.contains(territoryOf($0)) }
        if preferred.isEmpty {
            used = []
            preferred = open
        }
        var best = preferred[0]
        for candidate in preferred where beats(candidate, best) { best = candidate }
        chosen.append(best)
        used.append(territoryOf(best))
    }
    let nodeStageKey = PlacementHash.nodeStageKey(studyKey: studyKey)
    func score(_ node: PlacementNode) -> Double {
        let u = PlacementHash.unitInterval(Mixing.rendezvousScore(key: nodeStageKey, member: node.id.rawValue))
        return node.weight.value / -log(u)
    }
    var holders: [PlacementHolder] = []
    var fallbacks: [PlacementHolder] = []
    for (position, name) in chosen.enumerated() {
        var remaining = nodes.filter { $0.site == name }
        for rank in 0..<min(policy.nodesPerSiteCount, remaining.count) {
            var best = 0
            for index in remaining.indices {
                let (candidate, incumbent) = (score(remaining[index]), score(remaining[best]))
                if candidate > incumbent || (candidate == incumbent && remaining[index].id < remaining[best].id) {
                    best = index
                }
            }
            let node = remaining.remove(at: best)
            let holder = PlacementHolder(node: node.id, site: node.site, territory: node.territory)
            if position < policy.replicaCount && rank == 0 { holders.append(holder) } else { fallbacks.append(holder) }
        }
    }
    return StudyPlacement(
        topologyVersion: version, replicaCount: policy.replicaCount, holders: holders, fallbacks: fallbacks)
}
