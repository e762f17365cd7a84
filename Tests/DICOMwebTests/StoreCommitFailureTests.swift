// Goal: when the store cannot make a request's instances durable, STOW-RS fails them, and the catalog rows written
// while the volumes committed are rolled back: nothing is searchable that was not stored. Method: the fixture's disk
// fails every fdatasync while its switch is on; the catalog and the object list before and after.
import Catalog
import DICOMweb
import TestSupport
import Testing

@Suite struct StoreCommitFailureTests {
    static let study = "1.2.826.0.1.3680043.10.9"

    static func instance(_ number: Int) -> [UInt8] {
        TestPart10.instance(study: study, series: "\(study).1", sop: "\(study).1.\(number)", number: number)
    }

    @Test("a failed commit fails every part and catalogues nothing; the next request stores normally")
    func failedCommitRollsTheCatalogBack() throws {
        let fixture = try DICOMwebFixture()
        let client = fixture.client
        let first = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([Self.instance(1)]))
        #expect(first.status == 200)
        let objects = try fixture.storedObjects()

        fixture.disk.syncFailure.isOn = true
        let failed = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType,
            body: TestMultipart.body([Self.instance(2), Self.instance(3)]))
        fixture.disk.syncFailure.isOn = false
        #expect(failed.status != 200, "\(failed.text)")
        #expect(failed.text.contains("storing the instance failed"), "\(failed.text)")
        // The store's message names the volume's path: the log gets it, the client only what kind of failure.
        #expect(!failed.text.contains(fixture.directory.path), "\(failed.text)")
        #expect(!failed.text.contains("/volumes/"), "\(failed.text)")
        let logged = fixture.logged.all
        #expect(logged.count == 2 && logged.allSatisfy { $0.contains(fixture.directory.path) }, "\(logged)")
        #expect(try fixture.catalog.instanceCount() == 1)
        #expect(try fixture.storedObjects() == objects)

        let again = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType,
            body: TestMultipart.body([Self.instance(2), Self.instance(3)]))
        #expect(again.status == 200, "\(again.text)")
        #expect(try fixture.catalog.instanceCount() == 3)
    }
}
