// A full copy of one node's member list, exchanged both ways over a stream (memberlist's push-pull, SWIM's
// anti-entropy complement): how a node joins and how missed updates are repaired.
public import Primitives

/// A member list sent in a push-pull exchange.
public struct PushPullState: Hashable, Sendable {
    /// Most members one state carries (the region's size bound: issue 11 simulates 2,000 nodes).
    public static let membersMax = 4096

    /// The node that sent this state.
    public var source: NodeID
    /// Whether the sender is joining (a receiver answers a join even before it knows the sender).
    public var isJoin: Bool
    /// Every member the sender knows, itself included.
    public var members: [PushPullMember]

    /// Makes a state; more than `membersMax` members is a programmer error.
    public init(source: NodeID, isJoin: Bool, members: [PushPullMember]) {
        precondition(members.count <= Self.membersMax, "a push-pull state carries at most \(Self.membersMax) members")
        self.source = source
        self.isJoin = isJoin
        self.members = members
    }
}

/// One member as a push-pull state reports it: what the sender believes, without its local clock readings.
public struct PushPullMember: Hashable, Sendable {
    /// What the member says about itself.
    public var metadata: MemberMetadata
    /// What the sender believes about it.
    public var status: MemberStatus
    /// The member's incarnation as the sender knows it.
    public var incarnation: UInt64

    /// Makes an entry.
    public init(metadata: MemberMetadata, status: MemberStatus, incarnation: UInt64) {
        self.metadata = metadata
        self.status = status
        self.incarnation = incarnation
    }
}
