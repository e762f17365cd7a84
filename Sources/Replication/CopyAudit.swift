// What a node does about one instance of the regional catalog when it audits its copies (DESIGN.md, "Repair"):
// pull it when placement assigns it here and this node lacks it (a new holder after `downOut`, or one that was away
// when the instance was stored), check its copy is whole when it holds one, and drop a copy placement no longer
// assigns here only once every assigned holder has confirmed its own. Pure: who holds what and who is assigned in,
// a decision out.

/// The audit's decision for one instance.
public enum CopyDecision: Sendable, Equatable {
    /// Nothing to do here.
    case nothing
    /// Assigned here and not held: fetch it from these live holders, in this order.
    case pull(from: [NodeIDValue])
    /// Held here (and assigned, or not yet safe to drop): check every chunk and shard is there.
    case checkWhole
    /// Held here, no longer assigned here, and every assigned holder holds it: the copy may go.
    case dropSurplus
}

/// A node id's raw value, so the decision stays a plain value.
public typealias NodeIDValue = UInt64

public enum CopyAudit {
    /// Decides for `me` given the study's `assigned` holders under placement (in placement order), the nodes whose
    /// holding of the instance is live in the regional catalog, and the nodes alive now.
    public static func decide(
        me: NodeIDValue, assigned: [NodeIDValue], holders: Set<NodeIDValue>, live: Set<NodeIDValue>
    ) -> CopyDecision {
        let isHeld = holders.contains(me)
        let isAssigned = assigned.contains(me)
        if isAssigned && !isHeld {
            let sources = holders.filter { $0 != me && live.contains($0) }.sorted()
            return sources.isEmpty ? .nothing : .pull(from: sources)
        }
        guard isHeld else { return .nothing }
        if !isAssigned && !assigned.isEmpty && assigned.allSatisfy(holders.contains) { return .dropSurplus }
        return .checkWhole
    }
}
