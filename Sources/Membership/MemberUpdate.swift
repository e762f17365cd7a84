// The facts gossip spreads about members, piggybacked on probes and sent by the gossip timer (SWIM §4.1, §5).
// Each names a member and an incarnation, so receivers order them by the precedence rules in MembershipCore+Updates.
public import Primitives

/// One piece of disseminated membership news.
public enum MemberUpdate: Hashable, Sendable {
    /// The member is alive at `incarnation`, with this metadata (also how a refutation and a join spread).
    case alive(incarnation: UInt64, metadata: MemberMetadata)
    /// `source` suspects `node` at `incarnation` (SWIM §4.2).
    case suspect(node: NodeID, incarnation: UInt64, source: NodeID)
    /// `source` declared `node` dead at `incarnation` (SWIM §4.2).
    case dead(node: NodeID, incarnation: UInt64, source: NodeID)
    /// `node` left on purpose at `incarnation` (memberlist's leave: a dead message from the member itself).
    case left(node: NodeID, incarnation: UInt64)

    /// The member the update is about.
    public var node: NodeID {
        switch self {
        case .alive(_, let metadata): metadata.nodeID
        case .suspect(let node, _, _), .dead(let node, _, _), .left(let node, _): node
        }
    }

    /// The incarnation the update is at.
    public var incarnation: UInt64 {
        switch self {
        case .alive(let incarnation, _), .suspect(_, let incarnation, _), .dead(_, let incarnation, _),
            .left(_, let incarnation):
            incarnation
        }
    }
}
