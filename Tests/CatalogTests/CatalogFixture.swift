// Test helpers: instances built from a few named values, and a small catalog with known studies for the matching
// tests. Seeded and fixed, so every expectation can name the studies it should return.
import Catalog
import Primitives
import TestSupport

/// A manifest address made from one number.
func manifest(_ number: UInt64) -> ChunkAddress { ChunkAddress(word0: number, word1: 0, word2: 0, word3: 1) }

/// The origin site of the fixture's instances; a literal name, so it cannot fail to parse.
let fixtureSite = try! SiteID("strasbourg")

/// An instance of study `study`, series `series`, SOP instance `sop`, with `extra` attributes.
func makeInstance(
    study: String, series: String, sop: String, manifestNumber: UInt64 = 1, extra: [UInt32: String] = [:]
) -> CatalogInstance {
    var attributes: [UInt32: String] = [
        CatalogTag.studyInstanceUID: study, CatalogTag.seriesInstanceUID: series,
        CatalogTag.sopInstanceUID: sop, CatalogTag.sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
    ]
    attributes.merge(extra) { _, new in new }
    return CatalogInstance(
        attributes: attributes, transferSyntaxUID: "1.2.840.10008.1.2.1", manifestAddress: manifest(manifestNumber),
        lengthBytes: 1_000 + Int64(manifestNumber), originSite: fixtureSite,
        metadata: Array("{\"sop\":\"\(sop)\"}".utf8))
}

/// A version for the `number`th insert of a test.
func version(_ number: Int64) -> HLCTimestamp {
    HLCTimestamp(physicalMilliseconds: 1_700_000_000_000 + number, logical: 0, nodeID: NodeID(1))
}

/// A catalog in its own temp dir; keep the value alive as long as the catalog.
struct TestCatalog {
    let directory = TemporaryDirectory(prefix: "catalog-test")
    let catalog: Catalog

    init() throws {
        catalog = try Catalog.open(
            path: directory.appending("catalog.sqlite"), options: CatalogOptions(isSynchronousFull: false))
    }

    /// The study UIDs of a study-level query's matches, in order.
    func studies(_ filters: [(tag: UInt32, value: String)], limit: Int = 100, offset: Int = 0) throws -> [String] {
        try catalog.query(CatalogQuery(level: .study, filters: filters, limit: limit, offset: offset))
            .map { $0.attributes[CatalogTag.studyInstanceUID] ?? "?" }
    }

    /// The series UIDs of a series-level query's matches, in order.
    func series(study: String? = nil, _ filters: [(tag: UInt32, value: String)]) throws -> [String] {
        try catalog.query(CatalogQuery(level: .series, studyInstanceUID: study, filters: filters))
            .map { $0.attributes[CatalogTag.seriesInstanceUID] ?? "?" }
    }

    /// The SOP instance UIDs of an instance-level query's matches, in order.
    func instances(study: String? = nil, series: String? = nil, _ filters: [(tag: UInt32, value: String)]) throws
        -> [String]
    {
        try catalog.query(
            CatalogQuery(level: .instance, studyInstanceUID: study, seriesInstanceUID: series, filters: filters)
        ).map { $0.attributes[CatalogTag.sopInstanceUID] ?? "?" }
    }
}

/// Study UIDs of the sample catalog.
enum Sample {
    static let a = "1.2.3.1"
    static let b = "1.2.3.2"
    static let c = "1.2.3.3"
    static let d = "1.2.3.4"

    /// Four studies of three patients: A and C share patient P1; D has no date or time.
    static func fill(_ catalog: Catalog) throws {
        let p1: [UInt32: String] = [
            CatalogTag.patientID: "P1", CatalogTag.patientName: "Doe^John", CatalogTag.patientBirthDate: "19700101",
            CatalogTag.patientSex: "M",
        ]
        let p2: [UInt32: String] = [CatalogTag.patientID: "P2", CatalogTag.patientName: "SMITH^ANNA^^"]
        let p3: [UInt32: String] = [CatalogTag.patientID: "P3", CatalogTag.patientName: "O'Brien^Zoë"]
        let studyA = study(date: "20200115", time: "101500", accession: "ACC1", description: "CT Chest", p1)
        let studyB = study(date: "20210620", time: "083000.25", accession: "ACC2", description: "MR Brain", p2)
        let studyC = study(date: "20211231", time: "235959", accession: "ACC3", description: "CT Abdomen", p1)
        let studyD = study(date: "", time: "", accession: "ACC4", description: "US", p3)
        var rows:
            [(
                study: String, attributes: [UInt32: String], series: String, modality: String, number: String,
                sops: [String]
            )] = []
        rows.append((a, studyA, "1.2.3.1.1", "CT", "1", ["1.2.3.1.1.3", "1.2.3.1.1.2", "1.2.3.1.1.1"]))
        rows.append((a, studyA, "1.2.3.1.2", "PR", "2", ["1.2.3.1.2.1"]))
        rows.append((b, studyB, "1.2.3.2.1", "MR", "1", ["1.2.3.2.1.1", "1.2.3.2.1.2"]))
        rows.append((c, studyC, "1.2.3.3.1", "CT", "5", ["1.2.3.3.1.1"]))
        rows.append((c, studyC, "1.2.3.3.2", "MR", "3", ["1.2.3.3.2.1"]))
        rows.append((d, studyD, "1.2.3.4.1", "US", "", ["1.2.3.4.1.1"]))
        var batch: [(instance: CatalogInstance, version: HLCTimestamp)] = []
        for row in rows {
            for sop in row.sops {
                var extra = row.attributes
                extra[CatalogTag.modality] = row.modality
                extra[CatalogTag.seriesNumber] = row.number
                extra[CatalogTag.instanceNumber] = String(sop.split(separator: ".").last ?? "")
                extra[CatalogTag.rows] = row.modality == "CT" ? "512" : "256"
                batch.append(
                    (
                        makeInstance(
                            study: row.study, series: row.series, sop: sop, manifestNumber: UInt64(batch.count + 1),
                            extra: extra), version(Int64(batch.count))
                    ))
            }
        }
        let outcomes = try catalog.insert(batch)
        precondition(outcomes.allSatisfy { $0 == .stored() })
    }

    private static func study(
        date: String, time: String, accession: String, description: String, _ patient: [UInt32: String]
    ) -> [UInt32: String] {
        var attributes = patient
        attributes[CatalogTag.studyDate] = date
        attributes[CatalogTag.studyTime] = time
        attributes[CatalogTag.accessionNumber] = accession
        attributes[CatalogTag.studyDescription] = description
        attributes[CatalogTag.referringPhysicianName] = "House^Gregory"
        return attributes
    }
}
