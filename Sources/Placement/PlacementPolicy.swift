// The region's placement settings: how many sites hold each study, and how far the fallback list reaches.

/// How many holders a study gets and how many fallbacks come after them; a per-region setting.
public struct PlacementPolicy: Sendable, Equatable {
    /// The most sites that may hold one study.
    public static let replicaCountMax = 8
    /// The most extra sites the fallback list may name.
    public static let fallbackSiteCountMax = 16
    /// The most nodes per site the holder and fallback lists may name.
    public static let nodesPerSiteCountMax = 16
    /// The default: R = 2 (DESIGN.md, "The cluster"), two fallback sites, three nodes per site.
    public static let standard = PlacementPolicy(unchecked: 2, fallbackSiteCount: 2, nodesPerSiteCount: 3)

    /// R: the sites that must hold each study, the origin site counted (1…`replicaCountMax`).
    public let replicaCount: Int
    /// Sites beyond the R chosen ones that the fallback list names (0…`fallbackSiteCountMax`).
    public let fallbackSiteCount: Int
    /// Nodes named per site: the winner, then runner-ups as fallbacks (1…`nodesPerSiteCountMax`).
    public let nodesPerSiteCount: Int

    /// Checks and makes a policy; each value out of range is refused by name.
    public init(replicaCount: Int, fallbackSiteCount: Int = 2, nodesPerSiteCount: Int = 3) throws(PlacementError) {
        guard (1...Self.replicaCountMax).contains(replicaCount) else {
            throw PlacementError(.policyOutOfRange, "replicaCount \(replicaCount) is outside 1…\(Self.replicaCountMax)")
        }
        guard (0...Self.fallbackSiteCountMax).contains(fallbackSiteCount) else {
            throw PlacementError(
                .policyOutOfRange, "fallbackSiteCount \(fallbackSiteCount) is outside 0…\(Self.fallbackSiteCountMax)")
        }
        guard (1...Self.nodesPerSiteCountMax).contains(nodesPerSiteCount) else {
            throw PlacementError(
                .policyOutOfRange, "nodesPerSiteCount \(nodesPerSiteCount) is outside 1…\(Self.nodesPerSiteCountMax)")
        }
        self.init(unchecked: replicaCount, fallbackSiteCount: fallbackSiteCount, nodesPerSiteCount: nodesPerSiteCount)
    }

    private init(unchecked replicaCount: Int, fallbackSiteCount: Int, nodesPerSiteCount: Int) {
        self.replicaCount = replicaCount
        self.fallbackSiteCount = fallbackSiteCount
        self.nodesPerSiteCount = nodesPerSiteCount
    }
}
