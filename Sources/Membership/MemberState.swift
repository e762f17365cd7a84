// What one member believes about another: its status, incarnation and metadata (SWIM §4.2, §5). The rules that move
// a member between statuses live in MembershipCore+Updates.swift.
public import Primitives

/// A member's status as this node believes it (SWIM §4.2; "left" is memberlist's graceful leave).
public enum MemberStatus: UInt8, Hashable, Sendable, CaseIterable {
    /// Answering probes, or not yet suspected.
    case alive = 1
    /// Failed a probe; declared dead when its suspicion timeout ends unless it refutes (SWIM §4.2).
    case suspect = 2
    /// Declared failed; kept (and reported in push-pull) until reaped.
    case dead = 3
    /// Left on purpose; treated as dead for probing, but never reported as a failure.
    case left = 4

    /// Whether the member is still probed and counted among the living (alive or suspect).
    public var isActive: Bool { self == .alive || self == .suspect }
}

/// One row of the member list: a member's metadata, status and incarnation.
public struct MemberState: Hashable, Sendable {
    /// What the member says about itself.
    public var metadata: MemberMetadata
    /// What this node believes about it.
    public var status: MemberStatus
    /// The member's incarnation number: only the member raises it, to refute a suspicion (SWIM §4.2).
    public var incarnation: UInt64
    /// When `status` last changed here (starts the reap clock for dead and left members).
    public var statusChangedAt: Instant

    /// Makes a row.
    public init(metadata: MemberMetadata, status: MemberStatus, incarnation: UInt64, statusChangedAt: Instant) {
        self.metadata = metadata
        self.status = status
        self.incarnation = incarnation
        self.statusChangedAt = statusChangedAt
    }

    /// The member's node id.
    public var nodeID: NodeID { metadata.nodeID }
}
