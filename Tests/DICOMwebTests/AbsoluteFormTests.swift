// Goal: links in DICOMweb answers (RetrieveURL, BulkDataURI) follow an absolute-form request target's authority
// rather than Host, as RFC 9112 §3.2.2 says; a configured public URL still comes first. Method: the seeded fixture,
// in-process, with a Host header that must be ignored.
import DICOMweb
import HTTP
import Testing

@Suite struct AbsoluteFormTests {
    @Test("an absolute-form target's authority, not Host, makes the links; a configured public URL beats both")
    func absoluteFormLinks() throws {
        let fixture = try DICOMwebFixture()
        _ = try fixture.seed()
        let a = DICOMwebFixture.studyA
        let target = "http://node-a.example:8042/dicom-web/studies?StudyInstanceUID=\(a)"
        let search = try fixture.client.get(target, headers: [("Host", "proxy.example")])
        #expect(search.status == 200)
        let found = try #require(try Answer.objects(search).first)
        #expect(Answer.value(found, "00081190") == "http://node-a.example:8042/dicom-web/studies/\(a)")
        let metadata = try fixture.client.get(
            "http://node-a.example:8042/dicom-web/studies/\(a)/metadata", headers: [("Host", "proxy.example")])
        let objects = try Answer.objects(metadata)
        let uri = try #require((objects[0]["7FE00010"] as? [String: Any])?["BulkDataURI"] as? String)
        #expect(uri.hasPrefix("http://node-a.example:8042/dicom-web/studies/\(a)/series/"), "\(uri)")
        // An authority that is not a plain host (userinfo) gives host-relative links, never the Host header's.
        let odd = try fixture.client.get(
            "http://user@node-a/dicom-web/studies?StudyInstanceUID=\(a)", headers: [("Host", "proxy.example")])
        #expect(Answer.value(try #require(try Answer.objects(odd).first), "00081190") == "/dicom-web/studies/\(a)")

        let configured = try DICOMwebFixture { $0.publicBaseURL = "http://pacs.example" }
        _ = try configured.seed()
        let viaPublic = try configured.client.get(target)
        #expect(
            Answer.value(try #require(try Answer.objects(viaPublic).first), "00081190")
                == "http://pacs.example/dicom-web/studies/\(a)")
    }
}
