// Goal: deleting instances removes their rows and header JSON, keeps series and study counts right (the series or
// study goes once empty, the study's modalities follow), writes the tombstones the region carries, and a peer that
// merges those tombstones drops the instances from its own catalog and reports them for their copies. Method: real
// catalogs in temp dirs; rows carried between them as anti-entropy would.
import Catalog
import Primitives
import TestSupport
import Testing

@Suite struct CatalogDeleteTests {
    static let here = NodeID(11)
    static let there = NodeID(22)

    static func ct(_ sop: String, series: String, modality: String, manifestNumber: UInt64) -> CatalogInstance {
        makeInstance(
            study: "1.9", series: series, sop: sop, manifestNumber: manifestNumber,
            extra: [CatalogTag.modality: modality])
    }

    static let instances = [
        ct("1.9.1.1", series: "1.9.1", modality: "CT", manifestNumber: 1),
        ct("1.9.1.2", series: "1.9.1", modality: "CT", manifestNumber: 2),
        ct("1.9.2.1", series: "1.9.2", modality: "MR", manifestNumber: 3),
    ]

    static func modalities(_ test: TestCatalog) throws -> String? {
        try test.catalog.query(CatalogQuery(level: .study)).first?.attributes[CatalogTag.modalitiesInStudy]
    }

    @Test("rows, counts and modalities follow each deletion; the study goes with its last instance")
    func local() throws {
        let test = try TestCatalog()
        _ = try test.catalog.insert(Self.instances.enumerated().map { ($1, version(Int64($0))) }, sharing: nil) { true }
        #expect(try Self.modalities(test) == "CT\\MR")
        let first = try test.catalog.delete(instanceUIDs: ["1.9.2.1", "9.9.9"], version: nil, holder: nil)
        #expect(first == [CatalogDeletedInstance(sopInstanceUID: "1.9.2.1", manifestAddress: manifest(3))])
        #expect(try test.series(study: "1.9", []) == ["1.9.1"], "the emptied series is gone")
        #expect(try Self.modalities(test) == "CT", "ModalitiesInStudy no longer lists MR")
        #expect(try test.catalog.instances(studyInstanceUID: "1.9", includingMetadata: true).count == 2)
        _ = try test.catalog.delete(instanceUIDs: ["1.9.1.1"], version: nil, holder: nil)
        #expect(try test.instances(study: "1.9", []) == ["1.9.1.2"])
        _ = try test.catalog.delete(instanceUIDs: ["1.9.1.2"], version: nil, holder: nil)
        #expect(try test.studies([]) == [], "the study went with its last instance")
        let again = try test.catalog.insert([(Self.instances[0], version(9))], sharing: nil) { true }
        #expect(again == [.stored()], "a deleted instance may be stored again")
    }

    @Test("tombstones reach a peer: its catalog drops the instances and reports them; a later store wins again")
    func regional() throws {
        let origin = try TestCatalog()
        let peer = try TestCatalog()
        let sharing = CatalogSharing(holder: Self.here, targets: [:], nowMilliseconds: 5_000)
        _ = try origin.catalog.insert(Self.instances.enumerated().map { ($1, version(Int64($0))) }, sharing: sharing) {
            true
        }
        let everything = Array(0..<RegionalDigestTree.bucketCount)
        _ = try peer.catalog.applyRegional(
            try origin.catalog.regionalRows(inBuckets: everything), tombstoneHorizonMilliseconds: 0)
        #expect(try peer.instances(study: "1.9", []).count == 3, "the peer learned the study from the region")
        let deleted = try origin.catalog.delete(
            instanceUIDs: ["1.9.1.1", "1.9.1.2"], version: version(1), holder: Self.here)
        #expect(deleted.count == 2)
        let rows = try origin.catalog.regionalRows(inBuckets: everything)
        let tombstones = rows.filter(\.isTombstone).map(\.key)
        #expect(
            Set(tombstones) == [
                .instance("1.9.1.1"), .instance("1.9.1.2"), .holding("1.9.1.1", by: Self.here),
                .holding("1.9.1.2", by: Self.here),
            ])
        let stamp = rows.first { $0.key == .instance("1.9.1.2") }?.version
        #expect(stamp.map { $0 > version(1) } == true, "later than the row it deletes, though the clock given is not")
        let report = try peer.catalog.applyRegional(rows, tombstoneHorizonMilliseconds: 0)
        #expect(Set(report.deleted.map(\.sopInstanceUID)) == ["1.9.1.1", "1.9.1.2"])
        #expect(try peer.instances(study: "1.9", []) == ["1.9.2.1"])
        #expect(peer.catalog.regionalDigestTree == origin.catalog.regionalDigestTree, "the catalogs converge")
        let twice = try peer.catalog.applyRegional(rows, tombstoneHorizonMilliseconds: 0)
        #expect(twice.deleted.isEmpty, "a tombstone applied twice deletes nothing more")
    }
}
