// The versioned live topology placement works from: every live node grouped by site, sites by name. Built from a
// membership view and checked on the way in; it holds no clock and no order that depends on the process.
public import Primitives

/// A versioned view of the region's live nodes, validated and sorted so every node ranks the same way.
///
/// The version is the membership view's: two topologies with the same version MUST hold the same nodes, so
/// holders computed anywhere for that version agree (DESIGN.md, "The cluster").
public struct PlacementTopology: Sendable, Equatable {
    /// The most nodes one topology may hold.
    public static let nodeCountMax = 65_536

    /// The membership view this topology was built from.
    public let version: UInt64
    /// Every live node, sorted by id.
    public let nodes: [PlacementNode]
    /// Every site with a live node, sorted by name.
    public let sites: [PlacementSite]
    /// Every territory with a live node, sorted by name.
    public let territories: [TerritoryID]

    /// Checks and builds a topology. The order of `nodes` does not matter.
    ///
    /// Throws when a node id appears twice (naming it, and both sites if they differ), when one site is listed
    /// under two territories (naming the site, both territories and a node from each), or when there are more
    /// than `nodeCountMax` nodes.
    public init(version: UInt64, nodes: [PlacementNode]) throws(PlacementError) {
        guard nodes.count <= Self.nodeCountMax else {
            throw PlacementError(
                .tooManyNodes, "the topology lists \(nodes.count) nodes, more than \(Self.nodeCountMax)")
        }
        let byID = nodes.sorted { ($0.id, $0.site, $0.territory) < ($1.id, $1.site, $1.territory) }
        for index in byID.indices.dropFirst() where byID[index].id == byID[index - 1].id {
            let first = byID[index - 1]
            let second = byID[index]
            let places =
                first.site == second.site && first.territory == second.territory
                ? "at site \(first.site)"
                : "at site \(first.site) (\(first.territory)) and at site \(second.site) (\(second.territory))"
            throw PlacementError(.duplicateNode, "node \(first.id) is listed twice, \(places)")
        }
        let bySite = byID.sorted { ($0.site, $0.id) < ($1.site, $1.id) }
        var territories: [TerritoryID] = []
        for territory in byID.map(\.territory).sorted() where territories.last != territory {
            territories.append(territory)
        }
        var sites: [PlacementSite] = []
        var start = 0
        while start < bySite.count {
            var end = start + 1
            while end < bySite.count && bySite[end].site == bySite[start].site {
                if bySite[end].territory != bySite[start].territory {
                    throw PlacementError(
                        .siteInTwoTerritories,
                        "site \(bySite[start].site) is in territory \(bySite[start].territory) (node "
                            + "\(bySite[start].id)) and in territory \(bySite[end].territory) (node \(bySite[end].id))")
                }
                end += 1
            }
            let members = Array(bySite[start..<end])
            let territoryIndex = Self.lowerBound(of: members[0].territory, in: territories)
            sites.append(
                PlacementSite(
                    id: members[0].site, territory: members[0].territory, territoryIndex: territoryIndex,
                    nodes: members))
            start = end
        }
        self.version = version
        self.nodes = byID
        self.sites = sites
        self.territories = territories
    }

    /// The site named `id`, or nil when it has no live node (binary search over the sorted sites).
    public func site(_ id: SiteID) -> PlacementSite? {
        siteIndex(id).map { sites[$0] }
    }

    /// The index of site `id` in `sites`, or nil when it has no live node.
    func siteIndex(_ id: SiteID) -> Int? {
        var low = 0
        var high = sites.count
        while low < high {
            let middle = (low + high) / 2
            if sites[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < sites.count && sites[low].id == id ? low : nil
    }

    /// The first index in the sorted `elements` whose element is not below `element` (binary search).
    static func lowerBound<Element: Comparable>(of element: Element, in elements: [Element]) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if elements[middle] < element { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
