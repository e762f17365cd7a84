// Goal: DELETE of an instance, a series or a study takes an admin token, answers 204, and leaves nothing to find
// or retrieve: the catalog drops the rows and the store the objects (tombstoned, their space back at gc); what is
// not deleted stays whole. Method: an in-process responder with the fixture's tokens; objects counted in the store.
import DICOMweb
import HTTP
import ObjectStore
import Testing

struct DeleteTests {
    static let study = "1.2.826.0.1.3680043.10.9.13"

    static func send(_ fixture: DICOMwebFixture, _ path: String, token: String?) throws -> TestResponse {
        var headers = HTTPHeaders()
        if let token { headers.add("Authorization", "Bearer \(token)") }
        return try fixture.client.send(
            method: "DELETE", target: "/dicom-web/studies/\(Self.study)" + path, headers: headers, body: [])
    }

    @Test("DELETE needs the admin role; an instance, then its series, then the study go, and nothing else")
    func deletes() throws {
        let fixture = try DICOMwebFixture()
        let parts = [("1", "1.1"), ("1", "1.2"), ("2", "2.1")].map { series, sop in
            TestPart10.instance(study: Self.study, series: "\(Self.study).\(series)", sop: "\(Self.study).\(sop)")
        }
        let other = TestPart10.instance(
            study: "\(Self.study).9", series: "\(Self.study).9.1", sop: "\(Self.study).9.1.1")
        let stored = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body(parts + [other]))
        #expect(stored.status == 200, "\(stored.text)")
        let objects = try fixture.store.objectAddresses().count
        #expect(try Self.send(fixture, "", token: nil).status == 403, "anonymous may store, not delete")
        #expect(try Self.send(fixture, "", token: "writer-token").status == 403)
        #expect(try Self.send(fixture, "", token: "nobody").status == 401)
        let one = try Self.send(fixture, "/series/\(Self.study).1/instances/\(Self.study).1.2", token: "admin-token")
        #expect(one.status == 204, "\(one.text)")
        #expect(try fixture.store.objectAddresses().count == objects - 1)
        #expect(
            try fixture.client.get(
                "/dicom-web/studies/\(Self.study)/series/\(Self.study).1/instances/\(Self.study).1.2"
            ).status == 404)
        let series = try Self.send(fixture, "/series/\(Self.study).1", token: "admin-token")
        #expect(series.status == 204)
        let left = try Answer.objects(try fixture.client.get("/dicom-web/studies/\(Self.study)/instances"))
        #expect(left.map { Answer.value($0, "00080018") } == ["\(Self.study).2.1"])
        #expect(try Self.send(fixture, "", token: "admin-token").status == 204)
        let search = try Answer.objects(try fixture.client.get("/dicom-web/studies"))
        #expect(search.map { Answer.value($0, "0020000D") } == ["\(Self.study).9"], "only the other study is left")
        #expect(try fixture.store.objectAddresses().count == objects - 3)
        #expect(try Self.send(fixture, "", token: "admin-token").status == 404, "a second DELETE finds nothing")
        #expect(try fixture.client.get("/dicom-web/studies/\(Self.study).9").status == 200, "the other study is whole")
        let again = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([parts[0]]))
        #expect(again.status == 200, "a deleted instance may be stored again: \(again.text)")
    }
}
