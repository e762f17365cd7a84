// Goal: the limits of one STOW-RS request hold and fail the whole request cleanly: too many parts is a 413, a huge
// epilogue a 400, and either way nothing of the request stays stored; a small epilogue and preamble are fine.
// Method: in-process posts with a lowered part limit; the store's object list before and after.
import DICOMweb
import Testing

@Suite struct StoreLimitTests {
    static let study = "1.2.826.0.1.3680043.10.8"

    static func parts(_ count: Int) -> [[UInt8]] {
        (1...count).map { TestPart10.instance(study: study, series: "\(study).1", sop: "\(study).1.\($0)", number: $0) }
    }

    @Test("more parts than storePartCountMax is 413 and stores nothing")
    func partCount() throws {
        let fixture = try DICOMwebFixture { $0.storePartCountMax = 2 }
        let client = fixture.client
        #expect(
            try client.post(
                "/dicom-web/studies", contentType: TestMultipart.contentType,
                body: TestMultipart.body(Self.parts(2))
            ).status == 200)
        let before = try fixture.storedObjects()
        // The new instance comes first, so it is stored before the third part trips the limit and must be taken back.
        let response = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType,
            body: TestMultipart.body(Array(Self.parts(3).reversed())))
        #expect(response.status == 413, "\(response.text)")
        #expect(try fixture.storedObjects() == before)
    }

    @Test("a preamble and a short epilogue are ignored; a huge epilogue is 400 and stores nothing")
    func epilogue() throws {
        let fixture = try DICOMwebFixture()
        let client = fixture.client
        let body = TestMultipart.body(Self.parts(1))
        let framed = Array("a preamble line\r\n".utf8) + body + Array("trailing words\r\n".utf8)
        #expect(
            try client.post("/dicom-web/studies", contentType: TestMultipart.contentType, body: framed).status == 200)
        let other = TestMultipart.body([
            TestPart10.instance(study: Self.study, series: "\(Self.study).2", sop: "\(Self.study).2.1")
        ])
        let before = try fixture.storedObjects()
        let huge = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType,
            body: other + [UInt8](repeating: 0x41, count: 1_000_000))
        #expect(huge.status == 400, "\(huge.text)")
        #expect(try fixture.storedObjects() == before)
    }
}
