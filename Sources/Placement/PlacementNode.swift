// One live node as placement sees it: identity, where it stands (site, territory) and how much it can take.
public import Primitives

/// A live node of the region, as membership reports it to placement.
public struct PlacementNode: Sendable, Equatable {
    /// The node's identity; its raw value is the node's rendezvous key.
    public let id: NodeID
    /// The site the node is at.
    public let site: SiteID
    /// The territory of that site.
    public let territory: TerritoryID
    /// Free bytes across the node's volumes, as last reported.
    public let freeBytes: UInt64

    /// Describes a live node.
    public init(id: NodeID, site: SiteID, territory: TerritoryID, freeBytes: UInt64) {
        self.id = id
        self.site = site
        self.territory = territory
        self.freeBytes = freeBytes
    }

    /// The node's quantized weight in its site's ranking.
    public var weight: PlacementWeight { PlacementWeight(freeBytes: freeBytes) }
}
