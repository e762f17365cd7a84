// Goal: STOW-RS does not depend on how the request body arrives (NIO's split invariance): whole, one byte at a time
// and in seeded random pieces give the same answer and the same stored bytes. Method: one multipart body with
// instances of several sizes, posted to a fresh archive through a source that cuts reads as told.
import DICOMweb
import HTTP
import Primitives
import TestSupport
import Testing

@Suite struct SplitInvarianceTests {
    static let study = "1.2.826.0.1.3680043.10.7"

    static func body() -> [UInt8] {
        let sizes = [16, 2048, 20_000]
        let parts = sizes.enumerated().map { index, pixels in
            TestPart10.instance(
                study: study, series: "\(study).1", sop: "\(study).1.\(index + 1)", number: index + 1,
                pixelCount: pixels)
        }
        return TestMultipart.body(parts + [Array("not dicom".utf8)])
    }

    /// Posts `body` through `source` to a fresh archive; returns the answer and the study as retrieved.
    static func post(_ source: SplitSource) throws -> (answer: [UInt8], status: Int, study: [UInt8]) {
        let fixture = try DICOMwebFixture()
        var headers = HTTPHeaders()
        headers.add("Content-Type", TestMultipart.contentType)
        headers.add("Host", "archive.test")
        var writer = BufferedResponseWriter()
        var body = source
        try fixture.responder.respond(
            to: HTTPRequestHead(method: "POST", target: "/dicom-web/studies", headers: headers), body: &body,
            response: &writer)
        #expect(body.offset == body.bytes.count, "the whole body was read")
        let study = try fixture.client.get("/dicom-web/studies/\(study)")
        return (writer.body, writer.head?.status ?? 0, study.body)
    }

    @Test("whole, single-byte and random splits of a STOW-RS body give identical results", arguments: [1, 2, 3])
    func splits(seed: UInt64) throws {
        let bytes = Self.body()
        let whole = try Self.post(SplitSource(bytes: bytes, pieceBytesMax: bytes.count))
        #expect(whole.status == 202)
        #expect(whole.study.count > 40_000)
        let random = try Self.post(SplitSource(bytes: bytes, random: SeededRandom(seed: seed), pieceBytesMax: 5000))
        #expect(random.answer == whole.answer)
        #expect(random.study == whole.study)
        if seed == 1 {
            let single = try Self.post(SplitSource(bytes: bytes, pieceBytesMax: 1))
            #expect(single.answer == whole.answer)
            #expect(single.study == whole.study)
        }
    }

    @Test("content that starts like the delimiter, cut anywhere, is stored byte for byte")
    func delimiterLookalike() throws {
        // The reader hands back a partial delimiter that turns out to be content from its own memory, not from the
        // read buffer: this part makes it do so at every split.
        let lookalike = "A\r\n--" + String(TestMultipart.boundary.prefix(3))
        let part = TestPart10.instance(
            study: Self.study, series: "\(Self.study).1", sop: "\(Self.study).1.9", patientName: lookalike,
            pixelCount: 64)
        let bytes = TestMultipart.body([part])
        let whole = try Self.post(SplitSource(bytes: bytes, pieceBytesMax: bytes.count))
        #expect(whole.status == 200)
        let single = try Self.post(SplitSource(bytes: bytes, pieceBytesMax: 1))
        #expect(single.answer == whole.answer)
        #expect(single.study == whole.study)
        #expect(whole.study.firstRange(of: part) != nil, "the instance reads back as it was sent")
    }
}
