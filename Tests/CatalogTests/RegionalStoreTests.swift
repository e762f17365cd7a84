// Goal: the regional catalog in SQLite follows the in-memory merge rule row for row: a local store writes its
// instance and holding rows and its outbox entries in the same transaction (or none of them), digests survive a
// reopen, a peer's rows make its instances searchable here, and the outbox ends, defers and sums up as asked.
// Method: real catalogs in temp dirs, rows carried between them as anti-entropy would, compared with
// RegionalCatalogState fed the same rows.
import Catalog
import Primitives
import SQLite
import TestSupport
import Testing

@Suite struct RegionalStoreTests {
    static let here = NodeID(11)
    static let there = NodeID(22)
    static let third = NodeID(33)

    static func sharing(_ targets: [String: [NodeID]], holder: NodeID = here) -> CatalogSharing {
        CatalogSharing(holder: holder, targets: targets, nowMilliseconds: 5_000)
    }

    /// Every regional row of `catalog`, by key order.
    static func allRows(_ catalog: Catalog) throws -> [RegionalRow] {
        try catalog.regionalRows(inBuckets: Array(0..<RegionalDigestTree.bucketCount))
    }

    /// The in-memory state holding the same rows, to compare digests with.
    static func state(of rows: [RegionalRow]) -> RegionalCatalogState {
        var state = RegionalCatalogState()
        for row in rows { state.apply(row, tombstoneHorizonMilliseconds: 0) }
        return state
    }

    @Test("a shared store writes instance and holding rows and outbox entries; digests match and survive a reopen")
    func sharedStore() throws {
        let test = try TestCatalog()
        let first = makeInstance(study: "1.5", series: "1.5.1", sop: "1.5.1.1", manifestNumber: 1)
        let second = makeInstance(study: "1.5", series: "1.5.1", sop: "1.5.1.2", manifestNumber: 2)
        let outcomes = try test.catalog.insert(
            [(first, version(1)), (second, version(2))],
            sharing: Self.sharing(["1.5.1.1": [Self.there, Self.here], "1.5.1.2": [Self.there]])
        ) { true }
        #expect(outcomes == [.stored(), .stored()])
        let rows = try Self.allRows(test.catalog)
        #expect(rows.count == 4)
        #expect(try test.catalog.regionalHolders(of: "1.5.1.1") == [Self.here])
        let record = try RegionalInstanceRecord.decode(rows.first { $0.key == .instance("1.5.1.2") }?.payload ?? [])
        #expect(record == RegionalInstanceRecord(second))
        let root = test.catalog.regionalDigestTree.root
        #expect(root == Self.state(of: rows).digests.root)
        let due = try test.catalog.outboxDue(atOrBefore: 5_000, limit: 10)
        #expect(due.map(\.instanceUID) == ["1.5.1.1", "1.5.1.2"])
        #expect(due.allSatisfy { $0.target == Self.there && $0.studyInstanceUID == "1.5" && $0.attempts == 0 })
        #expect(due.first?.manifestAddress == manifest(1))
        let reopened = try Catalog.open(path: test.catalog.path)
        #expect(reopened.regionalDigestTree == test.catalog.regionalDigestTree)
        #expect(try reopened.versionMax() == version(2))
    }

    @Test("a withdrawn insert leaves no regional row, no outbox entry and the digests as they were")
    func withdrawnInsert() throws {
        let test = try TestCatalog()
        let instance = makeInstance(study: "1.6", series: "1.6.1", sop: "1.6.1.1")
        let outcomes = try test.catalog.insert(
            [(instance, version(1))], sharing: Self.sharing(["1.6.1.1": [Self.there]])
        ) { false }
        #expect(outcomes == nil)
        #expect(try test.catalog.regionalRowCount() == 0)
        #expect(try test.catalog.outboxSummary().depth == 0)
        #expect(test.catalog.regionalDigestTree == RegionalDigestTree())
    }

    @Test("a peer's rows make its instances searchable here; storing one here later adds this node as a holder")
    func peerRowsAreCatalogued() throws {
        let origin = try TestCatalog()
        let peer = try TestCatalog()
        let instance = makeInstance(
            study: "1.7", series: "1.7.1", sop: "1.7.1.1", extra: [CatalogTag.patientName: "Martin^Claire"])
        _ = try origin.catalog.insert([(instance, version(1))], sharing: Self.sharing([:], holder: Self.there)) { true }
        let report = try peer.catalog.applyRegional(Self.allRows(origin.catalog), tombstoneHorizonMilliseconds: 0)
        #expect(report.changed == 2 && report.catalogued == 1 && report.uncatalogued.isEmpty)
        #expect(try peer.studies([(CatalogTag.patientName, "martin*")]) == ["1.7"])
        #expect(peer.catalog.regionalDigestTree == origin.catalog.regionalDigestTree)
        let known = try peer.catalog.instances(studyInstanceUID: "1.7")
        #expect(known.map(\.metadata) == [[]])
        #expect(known.first?.record.manifestAddress == manifest(1))
        // The same rows again change nothing.
        let again = try peer.catalog.applyRegional(Self.allRows(origin.catalog), tombstoneHorizonMilliseconds: 0)
        #expect(again.changed == 0)
        let outcomes = try peer.catalog.insert(
            [(instance, version(9))], sharing: Self.sharing(["1.7.1.1": [Self.there]])
        ) {
            true
        }
        #expect(outcomes == [.alreadyStored])
        #expect(try peer.catalog.regionalHolders(of: "1.7.1.1") == [Self.here, Self.there])
        #expect(try peer.catalog.outboxSummary().depth == 0)
        #expect(try peer.catalog.instances(studyInstanceUID: "1.7").map(\.metadata) == [instance.metadata])
    }

    @Test("a row whose payload cannot be catalogued is kept, so catalogs converge, and named in the report")
    func uncataloguedRowIsKept() throws {
        let test = try TestCatalog()
        let good = makeInstance(study: "1.8", series: "1.8.1", sop: "1.8.1.1")
        let clash = makeInstance(study: "1.9", series: "1.8.1", sop: "1.8.1.2")
        _ = try test.catalog.insert(good, version: version(1))
        let rows: [RegionalRow] = [
            .live(.instance("1.8.1.3"), version: version(2), payload: [1, 2, 3]),
            .live(.instance("1.8.1.2"), version: version(3), payload: try RegionalInstanceRecord(clash).encoded()),
            .live(.instance("1.8.1.4"), version: version(4), payload: try RegionalInstanceRecord(good).encoded()),
        ]
        let report = try test.catalog.applyRegional(rows, tombstoneHorizonMilliseconds: 0)
        #expect(report.changed == 3)
        #expect(report.catalogued == 0)
        #expect(report.uncatalogued.count == 3)
        #expect(report.uncatalogued.contains { $0.contains("1.8.1.3") && $0.contains("truncated") })
        #expect(report.uncatalogued.contains { $0.contains("1.8.1.2") && $0.contains("series 1.8.1") })
        #expect(report.uncatalogued.contains { $0.contains("1.8.1.4") && $0.contains("names instance 1.8.1.1") })
        #expect(try test.catalog.regionalRowCount() == 3)
        #expect(try test.catalog.instanceCount() == 1)
        #expect(test.catalog.regionalDigestTree == Self.state(of: rows).digests)
    }

    @Test("the outbox ends, defers with a count and reason, skips targets known to hold, and sums up")
    func outboxLifecycle() throws {
        let test = try TestCatalog()
        _ = try test.catalog.applyRegional(
            [.live(.holding("2.1.1.1", by: Self.third), version: version(1))], tombstoneHorizonMilliseconds: 0)
        let instance = makeInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1")
        _ = try test.catalog.insert(
            [(instance, version(2))], sharing: Self.sharing(["2.1.1.1": [Self.there, Self.third]])
        ) { true }
        #expect(try test.catalog.outboxDue(atOrBefore: 5_000, limit: 10).map(\.target) == [Self.there])
        #expect(
            try test.catalog.deferOutbox(
                instanceUID: "2.1.1.1", target: Self.there, untilMilliseconds: 9_000, error: "connection refused"))
        #expect(try test.catalog.outboxDue(atOrBefore: 8_999, limit: 10).isEmpty)
        let due = try test.catalog.outboxDue(atOrBefore: 9_000, limit: 10)
        #expect(due.map(\.attempts) == [1] && due.map(\.lastError) == ["connection refused"])
        let summary = try test.catalog.outboxSummary()
        #expect(summary.depth == 1 && summary.oldestEnqueuedMilliseconds == 5_000)
        #expect(try test.catalog.completeOutbox(instanceUID: "2.1.1.1", target: Self.there))
        #expect(try !test.catalog.completeOutbox(instanceUID: "2.1.1.1", target: Self.there))
        let after = try test.catalog.outboxSummary()
        #expect(after.depth == 0 && after.oldestEnqueuedMilliseconds == nil)
    }

    @Test("tombstones supersede, are purged after their retention, and an expired one is not kept")
    func tombstones() throws {
        let test = try TestCatalog()
        let live = RegionalRow.live(.holding("3.1", by: Self.there), version: version(1))
        let dead = RegionalRow.tombstone(.holding("3.1", by: Self.there), version: version(2))
        _ = try test.catalog.applyRegional([live, dead], tombstoneHorizonMilliseconds: 0)
        #expect(try Self.allRows(test.catalog) == [dead])
        #expect(try test.catalog.regionalHolders(of: "3.1").isEmpty)
        #expect(try test.catalog.purgeRegionalTombstones(before: version(2).physicalMilliseconds) == 0)
        #expect(try test.catalog.purgeRegionalTombstones(before: version(3).physicalMilliseconds) == 1)
        #expect(test.catalog.regionalDigestTree == RegionalDigestTree())
        let expired = try test.catalog.applyRegional(
            [.tombstone(.holding("3.2", by: Self.there), version: version(1))],
            tombstoneHorizonMilliseconds: version(5).physicalMilliseconds)
        #expect(expired.changed == 0)
        #expect(try test.catalog.regionalRowCount() == 0)
    }

    @Test("a version 2 catalog holding studies is migrated in place, its rows kept")
    func migratesFromVersionTwo() throws {
        let test = try TestCatalog()
        _ = try test.catalog.insert(makeInstance(study: "4.1", series: "4.1.1", sop: "4.1.1.1"), version: version(1))
        let connection = try Connection(path: test.catalog.path)
        try connection.execute("DROP TABLE regional_rows; DROP TABLE outbox; UPDATE schema_version SET version = 2")
        let reopened = try Catalog.open(path: test.catalog.path)
        #expect(try reopened.instanceCount() == 1)
        #expect(try reopened.regionalRowCount() == 0)
        #expect(try reopened.outboxSummary().depth == 0)
    }
}
