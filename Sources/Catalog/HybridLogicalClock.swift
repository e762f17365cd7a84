// The hybrid logical clock of one node (Kulkarni et al. 2014, Fig. 5): versions catalog rows so replicas agree on
// "newer" under clock skew. Pure: the physical time is an argument, never read here.

public import Primitives

/// A node's HLC: timestamps that never go backwards, stay close to physical time, and order causally related events.
///
/// Physical time comes from the caller (wall-clock milliseconds since the epoch in production, a SimClock in the
/// simulator). When the physical clock jumps back, timestamps keep increasing through the logical counter; when the
/// counter would overflow, the physical part moves one millisecond ahead instead, which keeps the order.
/// `observe` refuses a remote timestamp more than `forwardSkewMillisecondsMax` ahead of the local physical time, so
/// one node with a wild clock cannot drag the region's clocks into the future (the HLC paper's ε bound).
public struct HybridLogicalClock: Sendable {
    /// The default bound on accepted forward skew: one minute.
    public static let forwardSkewMillisecondsMaxDefault: Int64 = 60_000

    /// This node's id, the tie-break in every timestamp it makes.
    public let nodeID: NodeID
    /// How far ahead of local physical time a remote timestamp may be and still be accepted.
    public let forwardSkewMillisecondsMax: Int64
    /// The last timestamp made or observed (its node id is this node's).
    public private(set) var last: HLCTimestamp

    /// Makes a clock. Pass `last`, e.g. the catalog's `versionMax()`, after a restart so new timestamps exceed it.
    public init(
        nodeID: NodeID, forwardSkewMillisecondsMax: Int64 = Self.forwardSkewMillisecondsMaxDefault,
        last: HLCTimestamp? = nil
    ) {
        precondition(forwardSkewMillisecondsMax >= 0, "the forward skew bound must not be negative")
        self.nodeID = nodeID
        self.forwardSkewMillisecondsMax = forwardSkewMillisecondsMax
        self.last = HLCTimestamp(
            physicalMilliseconds: last?.physicalMilliseconds ?? 0, logical: last?.logical ?? 0, nodeID: nodeID)
    }

    /// A timestamp for a local event (a store, a deletion) at physical time `physicalMilliseconds`.
    public mutating func now(physicalMilliseconds: Int64) -> HLCTimestamp {
        let physical = Self.clamped(physicalMilliseconds)
        if physical > last.physicalMilliseconds {
            last = HLCTimestamp(physicalMilliseconds: physical, logical: 0, nodeID: nodeID)
        } else {
            last = Self.successor(of: last.physicalMilliseconds, last.logical, nodeID: nodeID)
        }
        return last
    }

    /// Merges a timestamp received from another node and returns one for the receive event, later than both.
    ///
    /// Throws `.clockSkew` without changing the clock when `remote` is more than `forwardSkewMillisecondsMax`
    /// ahead of `physicalMilliseconds`.
    public mutating func observe(_ remote: HLCTimestamp, physicalMilliseconds: Int64) throws(CatalogError)
        -> HLCTimestamp
    {
        let physical = Self.clamped(physicalMilliseconds)
        let ahead = remote.physicalMilliseconds - physical
        guard ahead <= forwardSkewMillisecondsMax else {
            throw CatalogError(
                .clockSkew,
                "timestamp \(remote) from node \(remote.nodeID) is \(ahead) ms ahead of local time \(physical) ms; "
                    + "at most \(forwardSkewMillisecondsMax) ms is accepted")
        }
        let top = max(last.physicalMilliseconds, remote.physicalMilliseconds, physical)
        if top == physical && top > last.physicalMilliseconds && top > remote.physicalMilliseconds {
            last = HLCTimestamp(physicalMilliseconds: top, logical: 0, nodeID: nodeID)
        } else if top == last.physicalMilliseconds && top == remote.physicalMilliseconds {
            last = Self.successor(of: top, max(last.logical, remote.logical), nodeID: nodeID)
        } else if top == last.physicalMilliseconds {
            last = Self.successor(of: top, last.logical, nodeID: nodeID)
        } else {
            last = Self.successor(of: top, remote.logical, nodeID: nodeID)
        }
        return last
    }

    /// The next (physical, logical) point after `physical`.`logical`; an overflowing counter moves physical on.
    private static func successor(of physical: Int64, _ logical: UInt16, nodeID: NodeID) -> HLCTimestamp {
        if logical == UInt16.max {
            precondition(physical < HLCTimestamp.physicalMillisecondsMax, "HLC physical time exhausted")
            return HLCTimestamp(physicalMilliseconds: physical + 1, logical: 0, nodeID: nodeID)
        }
        return HLCTimestamp(physicalMilliseconds: physical, logical: logical + 1, nodeID: nodeID)
    }

    /// A physical reading held within what a timestamp can encode; a reading before the epoch counts as zero.
    private static func clamped(_ physical: Int64) -> Int64 {
        min(max(physical, 0), HLCTimestamp.physicalMillisecondsMax)
    }
}
