// The answer placement gives for one study: its assigned holders in order, then fallbacks to walk past dead or
// failing holders, tagged with the topology version it was computed from.

/// Where one study lives under one topology version.
///
/// `holders` are the R assigned nodes, one per site, the origin site's first when it has a live node; then the
/// other sites, territories not yet used first. `fallbacks` follow in the order a caller should try them: the
/// runner-up nodes of each holder site (site by site), then further sites in rank order with their nodes.
public struct StudyPlacement: Sendable, Equatable {
    /// The topology version the answer was computed from.
    public let topologyVersion: UInt64
    /// R as the policy asked for it.
    public let replicaCount: Int
    /// The assigned holders: min(R, live sites) nodes, each at a different site.
    public let holders: [PlacementHolder]
    /// Nodes to try when a holder is dead or failing, best first; none of them is in `holders`.
    public let fallbacks: [PlacementHolder]

    /// Builds an answer (placement does this; tests compare answers).
    public init(topologyVersion: UInt64, replicaCount: Int, holders: [PlacementHolder], fallbacks: [PlacementHolder]) {
        self.topologyVersion = topologyVersion
        self.replicaCount = replicaCount
        self.holders = holders
        self.fallbacks = fallbacks
    }

    /// True when the region has fewer live sites than R, so fewer than R holders were assigned.
    public var isShort: Bool { holders.count < replicaCount }

    /// Holders then fallbacks: the whole list a caller walks.
    public var candidates: [PlacementHolder] { holders + fallbacks }
}
