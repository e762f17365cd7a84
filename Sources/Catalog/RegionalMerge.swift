// What a node does with a regional row it is sent, given the version it holds: the one merge rule, shared by the
// catalog's SQLite store and the in-memory state the simulator and tests use. Tombstones are kept for a retention
// time, then purged; one that arrives already past it deletes what it supersedes but is not kept, so a peer that
// has not purged yet cannot bring it back for ever.

/// The decision for one incoming row.
public enum RegionalMergeOutcome: Sendable, Hashable {
    /// Keep what is held (the incoming row is older, equal, or an expired tombstone with nothing to delete).
    case keep
    /// Store the incoming row in place of what is held.
    case store(RegionalRow)
    /// Remove the held row and keep no tombstone (an expired deletion of it).
    case remove
}

public enum RegionalMerge {
    /// Decides what to do with `incoming` when `held` is this node's version of its key (nil if none).
    /// `tombstoneHorizonMilliseconds`: tombstones whose physical time is before it are expired.
    public static func outcome(
        held: RegionalRow?, incoming: RegionalRow, tombstoneHorizonMilliseconds: Int64
    ) -> RegionalMergeOutcome {
        if let held, !incoming.supersedes(held) { return .keep }
        let isExpired = incoming.isTombstone && incoming.version.physicalMilliseconds < tombstoneHorizonMilliseconds
        guard isExpired else { return .store(incoming) }
        return held == nil ? .keep : .remove
    }
}
