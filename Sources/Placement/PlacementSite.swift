// One site of a placement topology: its territory, its fixed key and its live nodes in id order. Built only by
// `PlacementTopology`, which checks the nodes agree on the territory.
public import Primitives

/// A site with at least one live node, as placement ranks it.
public struct PlacementSite: Sendable, Equatable {
    /// The site's name.
    public let id: SiteID
    /// The territory the site belongs to.
    public let territory: TerritoryID
    /// The site's rendezvous key (`PlacementHash.siteKey`).
    public let key: UInt64
    /// The site's live nodes, sorted by id, never empty.
    public let nodes: [PlacementNode]
    /// The territory's position in the topology's sorted territories, so placement compares integers.
    let territoryIndex: Int
    /// The nodes' weights as numbers, in the order of `nodes` (computed once per topology, not per study).
    let weightValues: [Double]

    init(id: SiteID, territory: TerritoryID, territoryIndex: Int, nodes: [PlacementNode]) {
        precondition(!nodes.isEmpty, "a placement site needs at least one node")
        self.id = id
        self.territory = territory
        self.territoryIndex = territoryIndex
        self.key = PlacementHash.siteKey(id)
        self.nodes = nodes
        self.weightValues = nodes.map { $0.weight.value }
    }
}
