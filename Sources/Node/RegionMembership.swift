// What the region's data plane needs of membership: the members as this node sees them (state, addresses, RTT
// estimates) and the cluster's keys. The membership reactor gives them in a node; the region simulation gives its
// own view, so the same RegionServices code runs on the simulator's virtual time and network.
public import Coding

/// The members a node's data plane works with.
public protocol RegionMembership: Sendable {
    /// Every member known, this node included.
    var memberRows: [MembershipSnapshot.Row] { get }
    /// The cluster key ring (the internal API's token when the region has no certificates).
    var clusterKeyring: ClusterKeyring { get }
}

extension MembershipReactor: RegionMembership {
    public var memberRows: [MembershipSnapshot.Row] { snapshot.rows }
    public var clusterKeyring: ClusterKeyring { keyring }
}
