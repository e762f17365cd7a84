// The regional catalog kept in the node's SQLite catalog: rows merged from peers (their live instances catalogued,
// so QIDO-RS answers for the region), rows served to peers by bucket, the digest tree peers compare, the holders
// of an instance, and tombstones purged after their retention. Blocking like the rest of Catalog.
public import Primitives
import SQLite
import Synchronization

extension Catalog {
    /// Merges rows a peer sent (anti-entropy or a replication acknowledgement) in one transaction.
    ///
    /// Tombstones older than `tombstoneHorizonMilliseconds` delete what they supersede but are not kept.
    public func applyRegional(_ rows: [RegionalRow], tombstoneHorizonMilliseconds: Int64) throws(CatalogError)
        -> RegionalApplyReport
    {
        guard !rows.isEmpty else { return RegionalApplyReport() }
        return try writer.withLock { writer throws(CatalogError) in
            var digests = writer.regionalDigests
            let report = try CatalogFailure.mapping("merging \(rows.count) regional rows into \(path)") {
                try writer.connection.transaction {
                    try writer.applyRegional(rows, horizon: tombstoneHorizonMilliseconds, digests: &digests)
                }
            }
            writer.regionalDigests = digests
            publishDigests(writer)
            return report
        }
    }

    /// Records that `holder` no longer holds `instanceUID` (it dropped a surplus copy), in one transaction: a
    /// tombstone of its holding row later than `version` and than the row it supersedes (a node whose clock is
    /// behind may hold a holding row versioned by another node's clock, newer than anything it can issue, and a
    /// tombstone that lost the merge would leave the region counting a copy whose bytes are gone), and the end of
    /// the node's outbox entries for the instance (it can no longer send a copy it does not have).
    public func dropHolding(instanceUID: String, by holder: NodeID, version: HLCTimestamp) throws(CatalogError) {
        try writer.withLock { writer throws(CatalogError) in
            var digests = writer.regionalDigests
            try CatalogFailure.mapping("dropping the holding of \(instanceUID) by \(holder) in \(path)") {
                try writer.connection.transaction {
                    let key = RegionalKey.holding(instanceUID, by: holder)
                    var dropVersion = version
                    if let held = try writer.regionalRow(key)?.version, held >= version {
                        dropVersion = HLCTimestamp(clockValue: held.clockValue + 1, nodeID: holder)
                    }
                    _ = try writer.mergeRegional(.tombstone(key, version: dropVersion), horizon: 0, digests: &digests)
                    try writer.statement("DELETE FROM outbox WHERE instance_uid = ?1").run([.text(instanceUID)])
                }
            }
            writer.regionalDigests = digests
            publishDigests(writer)
        }
    }

    /// Forgets tombstones written before `horizonMilliseconds`; returns how many.
    @discardableResult
    public func purgeRegionalTombstones(before horizonMilliseconds: Int64) throws(CatalogError) -> Int {
        try writer.withLock { writer throws(CatalogError) in
            var digests = writer.regionalDigests
            let purged = try CatalogFailure.mapping("purging regional tombstones from \(path)") {
                try writer.connection.transaction {
                    var expired: [RegionalRow] = []
                    try writer.statement(
                        """
                        SELECT instance_uid, kind, holder, version_clock, version_node, tombstone, payload
                        FROM regional_rows WHERE tombstone = 1 AND version_clock < ?1
                        """
                    ).query([.integer(horizonMilliseconds << 16)]) { expired.append(try Self.regionalRow($0)) }
                    for row in expired {
                        digests.toggle(row)
                        try writer.statement(
                            "DELETE FROM regional_rows WHERE instance_uid = ?1 AND kind = ?2 AND holder = ?3"
                        ).run(CatalogWriter.keyValues(row.key))
                    }
                    return expired.count
                }
            }
            writer.regionalDigests = digests
            publishDigests(writer)
            return purged
        }
    }

    /// The digest tree of the regional rows as of the last commit.
    public var regionalDigestTree: RegionalDigestTree { regionalDigests.withLock { $0 } }

    /// The rows of `buckets`, sorted by key: what a peer whose digests differ in those buckets is sent.
    public func regionalRows(inBuckets buckets: [Int]) throws(CatalogError) -> [RegionalRow] {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("reading regional rows from \(path)") {
                var rows: [RegionalRow] = []
                let select = try reader.statement(
                    """
                    SELECT instance_uid, kind, holder, version_clock, version_node, tombstone, payload
                    FROM regional_rows WHERE bucket = ?1
                    """)
                for bucket in Set(buckets) {
                    try select.query([.integer(Int64(bucket))]) { rows.append(try Self.regionalRow($0)) }
                }
                return rows.sorted { $0.key < $1.key }
            }
        }
    }

    // `+tombstone` in these lookups keeps SQLite on the primary key: without it, the planner (no statistics) picks
    // the covering index on (tombstone, version_clock) and scans every live row for each instance, which made each
    // copy-audit walk, and each remote read's holder lookup, quadratic in the catalog's size.

    /// The live holders of one instance (?1) and row kind (?2).
    static let holdersQuery =
        "SELECT holder FROM regional_rows WHERE instance_uid = ?1 AND kind = ?2 AND +tombstone = 0"
    /// A page of live instance rows after ?1, at most ?2, in UID order.
    static let instancesPageQuery = """
        SELECT instance_uid, kind, holder, version_clock, version_node, tombstone, payload
        FROM regional_rows WHERE instance_uid > ?1 AND kind = 1 AND +tombstone = 0
        ORDER BY instance_uid LIMIT ?2
        """

    /// The nodes holding `instanceUID` whole (live holding rows), by id.
    public func regionalHolders(of instanceUID: String) throws(CatalogError) -> [NodeID] {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("reading the holders of \(instanceUID) from \(path)") {
                var holders: [NodeID] = []
                try reader.statement(Self.holdersQuery).query([
                    .text(instanceUID), .integer(Int64(RegionalKey.Kind.holding.rawValue)),
                ]) {
                    holders.append(NodeID(UInt64(bitPattern: $0.int64(at: 0))))
                }
                return holders.sorted { $0.rawValue < $1.rawValue }
            }
        }
    }

    /// The live instance rows after `afterInstanceUID` in UID order, at most `limit`, each with its live holders:
    /// one page of a walk over the whole regional catalog (the copy audit's).
    public func regionalInstancesPage(afterInstanceUID: String, limit: Int) throws(CatalogError)
        -> [(row: RegionalRow, holders: [NodeID])]
    {
        precondition(limit > 0, "a page holds at least one instance")
        return try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("walking the regional rows of \(path)") {
                var page: [(row: RegionalRow, holders: [NodeID])] = []
                try reader.statement(Self.instancesPageQuery)
                    .query([.text(afterInstanceUID), .integer(Int64(limit))]) {
                        page.append((try Self.regionalRow($0), []))
                    }
                let holders = try reader.statement(Self.holdersQuery)
                for index in page.indices {
                    try holders.query([
                        .text(page[index].row.key.instanceUID), .integer(Int64(RegionalKey.Kind.holding.rawValue)),
                    ]) {
                        page[index].holders.append(NodeID(UInt64(bitPattern: $0.int64(at: 0))))
                    }
                }
                return page
            }
        }
    }

    /// The number of instances `holder` holds by the regional catalog (its live holding rows).
    public func regionalHoldingCount(of holder: NodeID) throws(CatalogError) -> Int {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("counting the holdings of \(holder) in \(path)") {
                var count: Int64 = 0
                try reader.statement(
                    "SELECT count(*) FROM regional_rows WHERE kind = 2 AND tombstone = 0 AND holder = ?1"
                )
                .query([.integer(Int64(bitPattern: holder.rawValue))]) { count = $0.int64(at: 0) }
                return Int(count)
            }
        }
    }

    /// SOP Instance UIDs of catalogued instances the regional catalog has no row for (stored while the node was
    /// alone, or before schema v3), at most `limit`: what a node newly in a region must still share.
    public func instanceUIDsWithoutRegionalRow(limit: Int) throws(CatalogError) -> [String] {
        precondition(limit > 0, "a page holds at least one instance")
        return try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("finding instances without regional rows in \(path)") {
                var uids: [String] = []
                try reader.statement(
                    """
                    SELECT i.sop_instance_uid FROM instances i WHERE NOT EXISTS (SELECT 1 FROM regional_rows r
                    WHERE r.instance_uid = i.sop_instance_uid AND r.kind = 1) ORDER BY i.id LIMIT ?1
                    """
                ).query([.integer(Int64(limit))]) { uids.append($0.text(at: 0)) }
                return uids
            }
        }
    }

    /// The number of regional rows, tombstones included.
    public func regionalRowCount() throws(CatalogError) -> Int {
        Int(try withReader { reader throws(CatalogError) in try reader.integer("SELECT count(*) FROM regional_rows") })
    }

    /// Copies the writer's digests to where readers take them; called with the writer locked, after a commit.
    func publishDigests(_ writer: CatalogWriter) {
        let digests = writer.regionalDigests
        regionalDigests.withLock { $0 = digests }
    }

    /// A stored regional row from columns instance_uid, kind, holder, version_clock, version_node, tombstone,
    /// payload; `.corrupt` when the stored key or payload could not have been written by this catalog.
    static func regionalRow(_ row: Statement) throws(CatalogError) -> RegionalRow {
        let uid = row.text(at: 0)
        guard !uid.isEmpty, uid.utf8.count <= RegionalKey.instanceUIDBytesMax,
            let kind = RegionalKey.Kind(rawValue: UInt8(truncatingIfNeeded: row.int64(at: 1))),
            row.blob(at: 6).count <= RegionalRow.payloadBytesMax
        else {
            throw CatalogError(
                .corrupt, "a stored regional row of \"\(uid.prefix(80))\" is not one this catalog writes")
        }
        let key: RegionalKey =
            kind == .instance ? .instance(uid) : .holding(uid, by: NodeID(UInt64(bitPattern: row.int64(at: 2))))
        let version = HLCTimestamp(clockValue: row.int64(at: 3), nodeID: NodeID(UInt64(bitPattern: row.int64(at: 4))))
        return row.int64(at: 5) != 0
            ? .tombstone(key, version: version) : .live(key, version: version, payload: row.blob(at: 6))
    }
}
