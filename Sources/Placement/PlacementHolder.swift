// One entry of a study's holder list: a node and where it stands.
public import Primitives

/// A node named by placement for a study, as a holder or a fallback.
public struct PlacementHolder: Sendable, Equatable, CustomStringConvertible {
    /// The node.
    public let node: NodeID
    /// Its site.
    public let site: SiteID
    /// Its site's territory.
    public let territory: TerritoryID

    /// Names a holder.
    public init(node: NodeID, site: SiteID, territory: TerritoryID) {
        self.node = node
        self.site = site
        self.territory = territory
    }

    public var description: String { "\(node)@\(site)/\(territory)" }
}
