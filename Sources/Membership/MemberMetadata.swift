// What a member says about itself: identity, place in the region, addresses, volumes and software. It rides in every
// alive update and push-pull state, so its size is bounded to fit one datagram with room to spare.
public import Primitives

/// A member's self-description, spread by gossip (DESIGN.md, "The cluster": "Member metadata").
///
/// `metadataVersion` MUST grow whenever the member changes any other field, so receivers can tell a newer
/// description from an older one that arrives late; MembershipCore bumps the incarnation with it so the change spreads.
public struct MemberMetadata: Hashable, Sendable {
    /// Most volumes one member advertises.
    public static let volumesMax = 16
    /// Longest software version text, in bytes.
    public static let softwareVersionBytesMax = 32

    /// The member's node id.
    public var nodeID: NodeID
    /// The territory its site belongs to.
    public var territory: TerritoryID
    /// Its site.
    public var site: SiteID
    /// Where it listens for gossip datagrams and push-pull streams.
    public var gossipAddress: GossipAddress
    /// Where it serves DICOMweb and the admin API to clients.
    public var httpAddress: GossipAddress
    /// Where it serves the internal API to other nodes: mutual TLS on its own port when the region has
    /// certificates, else the same as `httpAddress`.
    public var internalAddress: GossipAddress
    /// Its volumes and their free space; at most `volumesMax`.
    public var volumes: [VolumeFreeSpace]
    /// The `tessera` version it runs; at most `softwareVersionBytesMax` bytes.
    public var softwareVersion: String
    /// Grows with every change of the fields above.
    public var metadataVersion: UInt64

    /// Makes a description; the limits (`volumesMax`, `softwareVersionBytesMax`) are preconditions, since a node's
    /// configuration is checked before it reaches the core.
    public init(
        nodeID: NodeID, territory: TerritoryID, site: SiteID, gossipAddress: GossipAddress,
        httpAddress: GossipAddress, internalAddress: GossipAddress? = nil, volumes: [VolumeFreeSpace] = [],
        softwareVersion: String, metadataVersion: UInt64
    ) {
        precondition(volumes.count <= Self.volumesMax, "a member advertises at most \(Self.volumesMax) volumes")
        precondition(
            softwareVersion.utf8.count <= Self.softwareVersionBytesMax,
            "a software version is at most \(Self.softwareVersionBytesMax) bytes")
        self.nodeID = nodeID
        self.territory = territory
        self.site = site
        self.gossipAddress = gossipAddress
        self.httpAddress = httpAddress
        self.internalAddress = internalAddress ?? httpAddress
        self.volumes = volumes
        self.softwareVersion = softwareVersion
        self.metadataVersion = metadataVersion
    }
}
