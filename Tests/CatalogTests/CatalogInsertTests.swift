// Goal: inserting keeps the catalog consistent: the schema is created once and reopened, a re-store is idempotent,
// a conflict changes nothing, counts and ModalitiesInStudy follow every insert, and later instances fill only
// empty values. Method: a real catalog per test in its own temp dir, read back through the public API.
import Catalog
import Foundation
import Primitives
import SQLite
import TestSupport
import Testing

@Suite struct CatalogInsertTests {
    @Test("a new catalog is created with schema version 3 and reopens with its rows")
    func createAndReopen() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("catalog.sqlite")
        do {
            let catalog = try Catalog.open(path: path)
            #expect(try catalog.instanceCount() == 0)
            #expect(try catalog.versionMax() == nil)
            _ = try catalog.insert(makeInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1"), version: version(3))
        }
        let catalog = try Catalog.open(path: path)
        #expect(try catalog.instanceCount() == 1)
        #expect(try catalog.studyCount() == 1)
        #expect(try catalog.versionMax() == version(3))
        let connection = try Connection(path: path)
        var versions: [Int64] = []
        try connection.prepare("SELECT version FROM schema_version").query { versions.append($0.int64(at: 0)) }
        #expect(versions == [3])
        var mode = ""
        try connection.prepare("PRAGMA journal_mode").query { mode = $0.text(at: 0) }
        #expect(mode == "wal")
    }

    @Test("a catalog from a newer build is refused, and a file that is not a database is named corrupt")
    func refusesNewerAndGarbage() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("catalog.sqlite")
        do { _ = try Catalog.open(path: path) }
        try Connection(path: path).execute("UPDATE schema_version SET version = 99")
        let newer = #expect(throws: CatalogError.self) { try Catalog.open(path: path) }
        #expect(newer?.code == .schema)
        #expect(newer?.message.contains("99") == true)
        let garbage = directory.appending("garbage.sqlite")
        try Data(repeating: 0x5A, count: 8_192).write(to: URL(fileURLWithPath: garbage))
        let corrupt = #expect(throws: CatalogError.self) { try Catalog.open(path: garbage) }
        #expect(corrupt?.code == .corrupt)
        #expect(corrupt?.message.contains(garbage) == true)
    }

    @Test("an insert whose caller withdraws it before the commit stores nothing; one it confirms is stored")
    func insertCommittingIf() throws {
        let test = try TestCatalog()
        let batch = (1...3).map { number in
            (instance: makeInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.\(number)"), version: version(number))
        }
        var asked = 0
        let withdrawn = try test.catalog.insert(batch) {
            asked += 1
            return false
        }
        #expect(withdrawn == nil && asked == 1)
        #expect(try test.catalog.instanceCount() == 0 && test.catalog.studyCount() == 0)
        let confirmed = try test.catalog.insert(batch) {
            asked += 1
            return true
        }
        #expect(confirmed == [.stored(), .stored(), .stored()] && asked == 2)
        #expect(try test.instances(study: "2.1", []) == ["2.1.1.1", "2.1.1.2", "2.1.1.3"])
        let invalid = [(instance: makeInstance(study: "", series: "2.2.1", sop: "2.2.1.1"), version: version(9))]
        #expect(throws: CatalogError.self) { try test.catalog.insert(invalid) { true } }
    }

    @Test("storing the same instance twice is idempotent")
    func idempotent() throws {
        let test = try TestCatalog()
        let instance = makeInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", extra: [CatalogTag.modality: "CT"])
        #expect(try test.catalog.insert(instance, version: version(1)) == .stored())
        #expect(try test.catalog.insert(instance, version: version(2)) == .alreadyStored)
        let study = try test.catalog.query(CatalogQuery(level: .study))
        #expect(study.count == 1)
        #expect(study.first?.attributes[CatalogTag.numberOfStudyRelatedInstances] == "1")
        #expect(try test.catalog.versionMax() == version(1))
    }

    @Test("a conflicting instance changes nothing: other bytes, another study, another series")
    func conflictLeavesEverythingUnchanged() throws {
        let test = try TestCatalog()
        let original = makeInstance(
            study: "1.1", series: "1.1.1", sop: "1.1.1.1", manifestNumber: 7,
            extra: [CatalogTag.modality: "CT", CatalogTag.studyDescription: "first"])
        _ = try test.catalog.insert(original, version: version(1))
        let before = try test.catalog.instances(studyInstanceUID: "1.1")
        let otherBytes = makeInstance(
            study: "1.1", series: "1.1.1", sop: "1.1.1.1", manifestNumber: 8,
            extra: [CatalogTag.modality: "MR", CatalogTag.studyDescription: ""])
        #expect(try test.catalog.insert(otherBytes, version: version(2)) == .conflict(existingManifest: manifest(7)))
        let otherStudy = makeInstance(study: "2.2", series: "2.2.1", sop: "1.1.1.1", manifestNumber: 7)
        #expect(try test.catalog.insert(otherStudy, version: version(3)) == .conflict(existingManifest: manifest(7)))
        let otherSeries = makeInstance(study: "1.1", series: "1.1.2", sop: "1.1.1.1", manifestNumber: 7)
        #expect(try test.catalog.insert(otherSeries, version: version(4)) == .conflict(existingManifest: manifest(7)))
        #expect(try test.catalog.instances(studyInstanceUID: "1.1") == before)
        #expect(try test.catalog.studyCount() == 1)
        let study = try #require(try test.catalog.query(CatalogQuery(level: .study)).first)
        #expect(study.attributes[CatalogTag.modalitiesInStudy] == "CT")
        #expect(study.attributes[CatalogTag.numberOfStudyRelatedSeries] == "1")
        #expect(try test.catalog.versionMax() == version(1))
    }

    @Test("a series catalogued under another study is refused and the whole batch is rolled back")
    func seriesUnderAnotherStudy() throws {
        let test = try TestCatalog()
        _ = try test.catalog.insert(makeInstance(study: "1.1", series: "9.9", sop: "1.1.1.1"), version: version(1))
        let batch = [
            (instance: makeInstance(study: "3.3", series: "3.3.1", sop: "3.3.1.1"), version: version(2)),
            (instance: makeInstance(study: "2.2", series: "9.9", sop: "2.2.1.1"), version: version(3)),
        ]
        let error = #expect(throws: CatalogError.self) { try test.catalog.insert(batch) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("9.9") == true)
        #expect(try test.catalog.studyCount() == 1)
        #expect(try test.catalog.instanceCount() == 1)
    }

    @Test("an instance without a required UID, or with an oversized value, is refused with its name")
    func badInstances() throws {
        let test = try TestCatalog()
        var instance = makeInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1")
        instance.attributes[CatalogTag.sopClassUID] = "  "
        let missing = #expect(throws: CatalogError.self) { try test.catalog.insert(instance, version: version(1)) }
        #expect(missing?.code == .badInstance)
        #expect(missing?.message.contains("SOPClassUID (0008,0016)") == true)
        instance = makeInstance(
            study: "1.1", series: "1.1.1", sop: "1.1.1.1",
            extra: [CatalogTag.studyDescription: String(repeating: "x", count: 20_000)])
        let long = #expect(throws: CatalogError.self) { try test.catalog.insert(instance, version: version(1)) }
        #expect(long?.message.contains("StudyDescription") == true)
        #expect(try test.catalog.instanceCount() == 0)
    }

    @Test("later instances merge the lowest non-empty study, series and patient values; a differing name is reported")
    func fillIfEmpty() throws {
        let test = try TestCatalog()
        let first = makeInstance(
            study: "1.1", series: "1.1.1", sop: "1.1.1.1",
            extra: [CatalogTag.patientID: "P", CatalogTag.accessionNumber: "A1"])
        let second = makeInstance(
            study: "1.1", series: "1.1.1", sop: "1.1.1.2",
            extra: [
                CatalogTag.patientID: "P", CatalogTag.patientName: "Roe^Richard", CatalogTag.accessionNumber: "A2",
                CatalogTag.studyDescription: "filled", CatalogTag.modality: "MR", CatalogTag.seriesNumber: "4",
            ])
        let third = makeInstance(
            study: "1.1", series: "1.1.2", sop: "1.1.2.1",
            extra: [
                CatalogTag.patientName: "Other^Name", CatalogTag.studyDescription: "higher",
                CatalogTag.modality: "CT",
            ])
        #expect(
            try test.catalog.insert([(first, version(1)), (second, version(2)), (third, version(3))]) == [
                .stored(), .stored(),
                .stored(
                    patientConflict: PatientConflict(
                        patientID: "P", issuerOfPatientID: "", studyInstanceUID: "1.1", otherStudyInstanceUID: "1.1",
                        attributes: ["PatientName"])),
            ])
        let study = try #require(try test.catalog.query(CatalogQuery(level: .study)).first).attributes
        #expect(study[CatalogTag.accessionNumber] == "A1")
        #expect(study[CatalogTag.studyDescription] == "filled")
        #expect(study[CatalogTag.patientName] == "Other^Name")
        #expect(study[CatalogTag.modalitiesInStudy] == "CT\\MR")
        #expect(study[CatalogTag.numberOfStudyRelatedSeries] == "2")
        #expect(study[CatalogTag.numberOfStudyRelatedInstances] == "3")
        let series = try test.catalog.query(CatalogQuery(level: .series, studyInstanceUID: "1.1"))
        #expect(series.map { $0.attributes[CatalogTag.seriesNumber] } == ["4", ""])
        #expect(series.map { $0.attributes[CatalogTag.numberOfSeriesRelatedInstances] } == ["2", "1"])
    }

    @Test("retrieval lists a study's instances by series then instance number, with metadata verbatim")
    func retrieval() throws {
        let test = try TestCatalog()
        try Sample.fill(test.catalog)
        let all = try test.catalog.instances(studyInstanceUID: Sample.a)
        #expect(all.map(\.sopInstanceUID) == ["1.2.3.1.1.1", "1.2.3.1.1.2", "1.2.3.1.1.3", "1.2.3.1.2.1"])
        #expect(all.first?.metadata == Array("{\"sop\":\"1.2.3.1.1.1\"}".utf8))
        #expect(all.first?.record.transferSyntaxUID == "1.2.840.10008.1.2.1")
        #expect(all.first?.record.originSite == fixtureSite)
        #expect(all.first?.seriesInstanceUID == "1.2.3.1.1")
        let series = try test.catalog.instances(studyInstanceUID: Sample.a, seriesInstanceUID: "1.2.3.1.2")
        #expect(series.map(\.sopInstanceUID) == ["1.2.3.1.2.1"])
        let one = try test.catalog.instances(
            studyInstanceUID: Sample.a, seriesInstanceUID: "1.2.3.1.1", sopInstanceUID: "1.2.3.1.1.2",
            includingMetadata: false)
        #expect(one.map(\.sopInstanceUID) == ["1.2.3.1.1.2"])
        #expect(one.first?.metadata == [])
        #expect(try test.catalog.instances(studyInstanceUID: "9.9.9").isEmpty)
        #expect(try test.catalog.instances(studyInstanceUID: Sample.b, sopInstanceUID: "1.2.3.1.1.2").isEmpty)
    }
}
