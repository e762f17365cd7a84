// The node's hybrid logical clock behind a lock: versions every catalogued instance with the node's id and the
// injected wall clock (DESIGN.md, "Catalog"). The id itself is kept by NodeIdentity.
public import Catalog
public import Primitives
import Synchronization

/// Versions for catalog rows: the node's HLC behind a lock, safe to call from every request thread.
public final class NodeClock: Sendable {
    /// This node's id, the tie-break of its timestamps.
    public let nodeID: NodeID
    private let wallClock: any WallClock
    private let clock: Mutex<HybridLogicalClock>

    /// The clock of node `nodeID` reading `wallClock`, continuing after `last` (the catalog's newest version) so a
    /// restart never issues a version already used.
    public init(nodeID: NodeID, wallClock: any WallClock, last: HLCTimestamp?) {
        self.nodeID = nodeID
        self.wallClock = wallClock
        clock = Mutex(HybridLogicalClock(nodeID: nodeID, last: last))
    }

    /// A fresh version, later than every one issued before.
    public func next() -> HLCTimestamp {
        let physical = wallClock.millisecondsSinceEpoch()  // it may jump; the HLC absorbs that
        return clock.withLock { $0.now(physicalMilliseconds: physical) }
    }

    /// Merges a version another node made, so later versions here exceed it; false (the clock unchanged) when it
    /// is further ahead of this node's wall clock than the HLC accepts.
    public func observe(_ remote: HLCTimestamp) -> Bool {
        let physical = wallClock.millisecondsSinceEpoch()
        return clock.withLock { (try? $0.observe(remote, physicalMilliseconds: physical)) != nil }
    }
}
