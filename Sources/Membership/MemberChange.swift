// What the core tells its driver about the member list changing: the node's reactor feeds these to placement, the
// admin API and logs. Emitted once per change, in the order the core made them.
public import Primitives

/// A change to the member list, as an effect.
public enum MemberChange: Hashable, Sendable {
    /// A member this node did not know appeared (alive, or at the status a push-pull reported).
    case joined(MemberState)
    /// A known member's status moved (alive, suspect, dead or left) at this incarnation.
    case statusChanged(NodeID, MemberStatus, incarnation: UInt64)
    /// A known member published new metadata.
    case metadataChanged(MemberMetadata)
    /// A dead or left member was forgotten after `reapAfterTicks`.
    case reaped(NodeID)
}
