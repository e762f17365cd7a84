// The regional catalog as a value in memory: rows by key and their digest tree, merged with `RegionalMerge`. What
// the simulator's nodes and the merge tests hold; the node's SQLite store follows the same rule row for row.
public import Primitives

/// Every regional row a node holds, and their digests.
public struct RegionalCatalogState: Sendable, Hashable {
    /// Rows by key, tombstones included.
    public private(set) var rows: [RegionalKey: RegionalRow] = [:]
    /// The digests of `rows`.
    public private(set) var digests = RegionalDigestTree()

    /// An empty catalog.
    public init() {}

    /// Merges `row`; returns whether anything changed.
    @discardableResult
    public mutating func apply(_ row: RegionalRow, tombstoneHorizonMilliseconds: Int64) -> Bool {
        let held = rows[row.key]
        switch RegionalMerge.outcome(
            held: held, incoming: row, tombstoneHorizonMilliseconds: tombstoneHorizonMilliseconds)
        {
        case .keep:
            return false
        case .store(let winner):
            if let held { digests.toggle(held) }
            digests.toggle(winner)
            rows[row.key] = winner
            return true
        case .remove:
            if let held { digests.toggle(held) }
            rows[row.key] = nil
            return true
        }
    }

    /// Forgets tombstones written before `horizonMilliseconds`; returns how many.
    @discardableResult
    public mutating func purgeTombstones(before horizonMilliseconds: Int64) -> Int {
        let expired = rows.values.filter { $0.isTombstone && $0.version.physicalMilliseconds < horizonMilliseconds }
        for row in expired {
            digests.toggle(row)
            rows[row.key] = nil
        }
        return expired.count
    }

    /// The rows of `buckets`, sorted by key: what a peer is sent once the digests showed those buckets differ.
    public func rows(inBuckets buckets: Set<Int>) -> [RegionalRow] {
        rows.values.filter {
            buckets.contains(
                RegionalFingerprint.bucket(of: $0.key.instanceUID, bucketCount: RegionalDigestTree.bucketCount))
        }
        .sorted { $0.key < $1.key }
    }

    /// The live rows, sorted by key.
    public var liveRows: [RegionalRow] { rows.values.filter { !$0.isTombstone }.sorted { $0.key < $1.key } }

    /// The nodes holding `instanceUID` (live holding rows), sorted by id.
    public func holders(of instanceUID: String) -> [NodeID] {
        rows.values.compactMap { row in
            row.key.kind == .holding && row.key.instanceUID == instanceUID && !row.isTombstone ? row.key.holder : nil
        }
        .sorted { $0.rawValue < $1.rawValue }
    }
}
