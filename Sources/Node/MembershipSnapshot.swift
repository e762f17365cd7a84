// What the membership reactor publishes for the HTTP routes: the member list as this node sees it, Vivaldi's RTT
// estimates, when each member was last heard, and the gossip drop counts. Taken on the reactor's thread, read under
// a Mutex by any request thread; `/healthz` shows a summary and `/admin/members` the whole list.
public import Membership
public import Primitives

/// The member list and counters at one instant.
public struct MembershipSnapshot: Sendable {
    /// One member as this node sees it.
    public struct Row: Sendable, Equatable {
        /// The member's id.
        public var nodeID: NodeID
        /// Alive, suspect, dead or left.
        public var status: MemberStatus
        /// Its incarnation as known here.
        public var incarnation: UInt64
        /// What it says about itself.
        public var metadata: MemberMetadata
        /// The RTT from this node to it that Vivaldi estimates, in milliseconds; nil for this node and for members
        /// whose coordinate is unknown yet.
        public var rttMilliseconds: Double?
        /// When a datagram or push-pull from it was last accepted here; nil for this node and members never heard.
        public var lastHeard: Instant?

        /// Makes a row (the reactor's, or another view of the members such as the simulator's).
        public init(
            nodeID: NodeID, status: MemberStatus, incarnation: UInt64, metadata: MemberMetadata,
            rttMilliseconds: Double?, lastHeard: Instant?
        ) {
            self.nodeID = nodeID
            self.status = status
            self.incarnation = incarnation
            self.metadata = metadata
            self.rttMilliseconds = rttMilliseconds
            self.lastHeard = lastHeard
        }
    }

    /// This node's id.
    public var localNodeID: NodeID
    /// This node's incarnation.
    public var localIncarnation: UInt64
    /// Whether a seed answered (or this node founded the region).
    public var isJoined: Bool
    /// Every member known, this node included, by node id.
    public var rows: [Row]
    /// Envelopes dropped by the gossip gate, per cause (datagrams longer than the MTU count as oversized).
    public var dropCounts: [GossipDropCauseName: UInt64]
    /// Authenticated datagrams and frames whose content did not decode.
    public var undecodableCount: UInt64
    /// Push-pull exchanges this node opened that failed.
    public var pushPullFailureCount: Int

    /// How many members are in `status`.
    public func count(_ status: MemberStatus) -> Int { rows.count { $0.status == status } }
}

/// A drop cause's metric label ("unknown_key"), so Node's public API does not need Coding's type.
public typealias GossipDropCauseName = String
