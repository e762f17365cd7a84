// The writer's regional half: regional rows merged into SQLite by the one merge rule, an instance row made into a
// catalogued instance (so QIDO-RS answers for the region), and what a local store adds: its instance and holding
// rows and one outbox entry per target. Runs inside the writer's transactions; digests change in the caller's copy,
// published only once the transaction commits.
import Primitives
import SQLite

extension CatalogWriter {
    /// The row held for `key`, nil if none.
    func regionalRow(_ key: RegionalKey) throws -> RegionalRow? {
        var found: RegionalRow?
        try statement(
            """
            SELECT version_clock, version_node, tombstone, payload FROM regional_rows
            WHERE instance_uid = ?1 AND kind = ?2 AND holder = ?3
            """
        ).query(Self.keyValues(key)) { row in
            let version = HLCTimestamp(
                clockValue: row.int64(at: 0), nodeID: NodeID(UInt64(bitPattern: row.int64(at: 1))))
            found =
                row.int64(at: 2) != 0
                ? .tombstone(key, version: version) : .live(key, version: version, payload: row.blob(at: 3))
        }
        return found
    }

    /// Merges `row` by `RegionalMerge`; returns the row now stored if it changed (nil: kept, or removed).
    func mergeRegional(_ row: RegionalRow, horizon: Int64, digests: inout RegionalDigestTree) throws
        -> (changed: Bool, stored: RegionalRow?)
    {
        let held = try regionalRow(row.key)
        switch RegionalMerge.outcome(held: held, incoming: row, tombstoneHorizonMilliseconds: horizon) {
        case .keep:
            return (false, nil)
        case .store(let winner):
            if let held { digests.toggle(held) }
            digests.toggle(winner)
            let fingerprint = RegionalFingerprint(of: winner)
            try statement(
                """
                INSERT OR REPLACE INTO regional_rows (instance_uid, kind, holder, version_clock, version_node,
                tombstone, payload, bucket, fingerprint_high, fingerprint_low) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).run(
                Self.keyValues(winner.key) + [
                    .integer(winner.version.clockValue), .integer(Int64(bitPattern: winner.version.nodeID.rawValue)),
                    .integer(winner.isTombstone ? 1 : 0), .blob(winner.payload),
                    .integer(Int64(Self.bucket(of: winner.key))),
                    .integer(Int64(bitPattern: fingerprint.high)), .integer(Int64(bitPattern: fingerprint.low)),
                ])
            return (true, winner)
        case .remove:
            if let held { digests.toggle(held) }
            try statement("DELETE FROM regional_rows WHERE instance_uid = ?1 AND kind = ?2 AND holder = ?3")
                .run(Self.keyValues(row.key))
            return (true, nil)
        }
    }

    /// Merges rows a peer sent, cataloguing each live instance row that wins; one that cannot be catalogued (a
    /// payload that does not decode, a series under another study) is still kept, so catalogs converge, and named.
    func applyRegional(_ rows: [RegionalRow], horizon: Int64, digests: inout RegionalDigestTree) throws
        -> RegionalApplyReport
    {
        var report = RegionalApplyReport()
        for row in rows {
            let (changed, stored) = try mergeRegional(row, horizon: horizon, digests: &digests)
            guard changed else { continue }
            report.changed += 1
            if row.isTombstone, row.key.kind == .instance, stored?.isTombstone ?? true {
                // An instance deleted elsewhere in the region: its rows go here too, its copy with the caller.
                if let gone = try deleteOne(row.key.instanceUID, version: nil, digests: &digests) {
                    report.deleted.append(gone)
                }
                continue
            }
            guard let stored, stored.key.kind == .instance, !stored.isTombstone else { continue }
            do {
                let record = try RegionalInstanceRecord.decode(stored.payload)
                guard record.sopInstanceUID == stored.key.instanceUID else {
                    throw CatalogError(.badInstance, "its record names instance \(record.sopInstanceUID)")
                }
                if case .stored = try insertOne(record.catalogInstance, version: stored.version) {
                    report.catalogued += 1
                }
            } catch let error as SQLiteError {
                throw error
            } catch {
                report.uncatalogued.append("\(stored.key): \(error)")
            }
        }
        return report
    }

    /// What storing `instance` here (with `outcome`) adds for the region: its instance row, this node's holding,
    /// outbox entries for the targets not known to hold it, and the header JSON when the instance was known only
    /// from the region until now.
    func share(
        _ instance: CatalogInstance, outcome: CatalogInsertOutcome, version: HLCTimestamp, sharing: CatalogSharing,
        digests: inout RegionalDigestTree
    ) throws {
        if case .conflict = outcome { return }
        let sopUID = instance.value(CatalogTag.sopInstanceUID)
        let studyUID = instance.value(CatalogTag.studyInstanceUID)
        let record = RegionalInstanceRecord(instance)
        if case .stored = outcome {
            _ = try mergeRegional(
                .live(.instance(sopUID), version: version, payload: try record.encoded()), horizon: 0,
                digests: &digests)
        } else {
            if try regionalRow(.instance(sopUID)) == nil {
                _ = try mergeRegional(
                    .live(.instance(sopUID), version: version, payload: try record.encoded()), horizon: 0,
                    digests: &digests)
            }
            try statement(
                """
                UPDATE instance_metadata SET metadata = ?2 WHERE length(metadata) = 0
                AND instance_key = (SELECT id FROM instances WHERE sop_instance_uid = ?1)
                """
            ).run([.text(sopUID), .blob(instance.metadata)])
        }
        let holding = try regionalRow(.holding(sopUID, by: sharing.holder))
        if holding == nil || holding?.isTombstone == true {
            // A copy held again after this node dropped it: the new holding must win over the drop's tombstone,
            // which may be newer than the instance's version. Only this node writes its holding rows.
            var holdingVersion = version
            if let dropped = holding?.version, dropped >= version {
                holdingVersion = HLCTimestamp(clockValue: dropped.clockValue + 1, nodeID: sharing.holder)
            }
            _ = try mergeRegional(
                .live(.holding(sopUID, by: sharing.holder), version: holdingVersion), horizon: 0, digests: &digests)
        }
        for target in sharing.targets[sopUID] ?? [] where target != sharing.holder {
            if let held = try regionalRow(.holding(sopUID, by: target)), !held.isTombstone { continue }
            try statement(
                """
                INSERT OR IGNORE INTO outbox (instance_uid, target, study_instance_uid, manifest, length_bytes,
                enqueued_ms, attempts, due_ms, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?6, '')
                """
            ).run([
                .text(sopUID), .integer(Int64(bitPattern: target.rawValue)), .text(studyUID),
                .blob(instance.manifestAddress.bytes), .integer(instance.lengthBytes),
                .integer(sharing.nowMilliseconds),
            ])
        }
    }

    /// The bucket of a key's rows.
    static func bucket(of key: RegionalKey) -> Int {
        RegionalFingerprint.bucket(of: key.instanceUID, bucketCount: RegionalDigestTree.bucketCount)
    }

    /// The primary key columns of `key`, as ?1, ?2, ?3.
    static func keyValues(_ key: RegionalKey) -> [SQLValue] {
        [
            .text(key.instanceUID), .integer(Int64(key.kind.rawValue)),
            .integer(Int64(bitPattern: key.holder?.rawValue ?? 0)),
        ]
    }
}

/// What merging a peer's rows did.
public struct RegionalApplyReport: Sendable, Hashable {
    /// Rows stored or removed.
    public var changed = 0
    /// Instances newly catalogued from their rows.
    public var catalogued = 0
    /// Instance rows kept but not catalogued, each with the reason.
    public var uncatalogued: [String] = []
    /// Instances deleted elsewhere in the region and now removed from this catalog: a copy held here is the
    /// caller's to delete, with its holding row.
    public var deleted: [CatalogDeletedInstance] = []

    public init() {}
}

extension CatalogWriter {
    /// Rebuilds `regionalDigests` from the stored buckets and fingerprints (at open; no payload is read).
    func loadRegionalDigests() throws(CatalogError) {
        regionalDigests = try CatalogFailure.mapping("reading the regional digests of \(connection.path)") {
            var tree = RegionalDigestTree()
            var badBucket: Int64?
            try statement("SELECT bucket, fingerprint_high, fingerprint_low FROM regional_rows").query { row in
                let bucket = row.int64(at: 0)
                guard (0..<Int64(RegionalDigestTree.bucketCount)).contains(bucket) else {
                    badBucket = bucket
                    return
                }
                tree.toggle(
                    RegionalFingerprint(
                        high: UInt64(bitPattern: row.int64(at: 1)), low: UInt64(bitPattern: row.int64(at: 2))),
                    inBucket: Int(bucket))
            }
            if let badBucket {
                throw CatalogError(.corrupt, "\(connection.path) has a regional row in bucket \(badBucket)")
            }
            return tree
        }
    }
}
