// What a node tells its catalog when it catalogues instances it stores for the region: who it is, which other
// nodes placement gives each instance (by its study and its origin site), and the time the outbox entries are due
// from. The catalog writes the regional
// rows and the outbox entries in the same transaction as the instances, so none can exist without the others.
public import Primitives

/// How the instances of one insert are shared with the region.
public struct CatalogSharing: Sendable {
    /// This node: the holder of what it stores.
    public let holder: NodeID
    /// The other nodes placement assigns each instance to, by SOP Instance UID (absent: none, nothing to send).
    public let targets: [String: [NodeID]]
    /// Now, in milliseconds of the wall clock: when the new outbox entries are enqueued and first due.
    public let nowMilliseconds: Int64

    /// Makes the sharing of one insert.
    public init(holder: NodeID, targets: [String: [NodeID]], nowMilliseconds: Int64) {
        self.holder = holder
        self.targets = targets
        self.nowMilliseconds = nowMilliseconds
    }
}
