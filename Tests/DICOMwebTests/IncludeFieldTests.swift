// Goal: QIDO-RS includefield returns attributes the catalog does not index, private ones included, from the stored
// DICOM JSON of the instance (at study and series level, of the study's or series' first instance), BulkDataURIs
// made absolute; includefield=all adds every stored attribute at instance level; and an unknown keyword is still a
// warning. Method: an in-process responder, one instance with a private element stored by STOW-RS.
import DICOMweb
import Foundation
import HTTP
import Testing

struct IncludeFieldTests {
    static let study = "1.2.826.0.1.3680043.10.9.9"

    /// A CT instance with a private creator and a private element, stored by STOW-RS.
    static func fixture() throws -> DICOMwebFixture {
        let fixture = try DICOMwebFixture()
        let dataSet =
            TestPart10.text(0x0008_0016, "UI", TestPart10.ctImageStorage)
            + TestPart10.text(0x0008_0018, "UI", "\(study).1.1") + TestPart10.text(0x0008_0060, "CS", "CT")
            + TestPart10.text(0x0009_0010, "LO", "TESSERA") + TestPart10.text(0x0009_1001, "LO", "secret")
            + TestPart10.text(0x0010_0020, "LO", "P-INC") + TestPart10.text(0x0018_0050, "DS", "1.25")
            + TestPart10.text(0x0020_000D, "UI", study) + TestPart10.text(0x0020_000E, "UI", "\(study).1")
        let file = TestPart10.file(sopInstanceUID: "\(study).1.1", dataSet: dataSet)
        let stored = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([file]))
        #expect(stored.status == 200, "\(stored.text)")
        return fixture
    }

    static func results(_ fixture: DICOMwebFixture, _ query: String) throws -> [[String: Any]] {
        let response = try fixture.client.get(query)
        #expect(response.status == 200, "\(query): \(response.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
    }

    static func values(_ result: [String: Any], _ tag: String) -> [Any]? {
        (result[tag] as? [String: Any])?["Value"] as? [Any]
    }

    @Test("a private and an unindexed attribute come back at instance, series and study level")
    func storedAttributes() throws {
        let fixture = try Self.fixture()
        for path in [
            "/dicom-web/studies/\(Self.study)/instances", "/dicom-web/studies/\(Self.study)/series",
            "/dicom-web/studies?StudyInstanceUID=\(Self.study)",
        ] {
            let results = try Self.results(
                fixture, path + (path.contains("?") ? "&" : "?") + "includefield=00091001,SliceThickness")
            #expect(results.count == 1, "\(path)")
            guard let result = results.first else { continue }
            #expect(Self.values(result, "00091001") as? [String] == ["secret"], "\(path): \(result)")
            #expect(Self.values(result, "00180050")?.count == 1, "\(path): \(result)")
        }
    }

    @Test("includefield=all adds every stored attribute at instance level; an unknown keyword is a warning")
    func allAndUnknown() throws {
        let fixture = try Self.fixture()
        let all = try Self.results(fixture, "/dicom-web/studies/\(Self.study)/instances?includefield=all")
        #expect(all.first?["00090010"] != nil && all.first?["00091001"] != nil, "\(all)")
        let study = try Self.results(fixture, "/dicom-web/studies?StudyInstanceUID=\(Self.study)&includefield=all")
        #expect(study.first?["00091001"] == nil, "study-level results carry no instance's private attributes")
        let unknown = try fixture.client.get("/dicom-web/studies?includefield=NoSuchKeyword")
        #expect(unknown.status == 200)
        #expect(unknown.headers["Warning"]?.contains("NoSuchKeyword") == true)
    }
}
