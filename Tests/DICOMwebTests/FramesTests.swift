// Goal: WADO-RS frames of native pixel data: a single frame and frames of a multi-frame instance in the order
// asked, each part exactly the frame's bytes of the stored file; a frame past the last is 404, a malformed list
// 400, a compressed Accept 406. Method: an in-process responder, instances stored by STOW-RS.
import DICOMweb
import HTTP
import Testing

struct FramesTests {
    static let study = "1.2.826.0.1.3680043.10.9.10"
    static let frames = "multipart/related; type=\"application/octet-stream\""

    /// A 4×4×16-bit instance of three frames, frame k's pixels all (k << 8 | index).
    static func multiFrame() -> (file: [UInt8], pixels: [UInt8]) {
        var pixels: [UInt8] = []
        for frame in 1...3 {
            for index in 0..<16 { pixels += [UInt8(index), UInt8(frame)] }
        }
        let dataSet =
            TestPart10.text(0x0008_0016, "UI", TestPart10.ctImageStorage)
            + TestPart10.text(0x0008_0018, "UI", "\(study).2.1") + TestPart10.text(0x0008_0060, "CS", "CT")
            + TestPart10.text(0x0010_0010, "PN", "Test^Patient") + TestPart10.text(0x0010_0020, "LO", "P9")
            + TestPart10.text(0x0020_000D, "UI", study)
            + TestPart10.text(0x0020_000E, "UI", "\(study).2")
            + TestPart10.element(0x0028_0002, "US", [1, 0]) + TestPart10.text(0x0028_0008, "IS", "3")
            + TestPart10.element(0x0028_0010, "US", [4, 0]) + TestPart10.element(0x0028_0011, "US", [4, 0])
            + TestPart10.element(0x0028_0100, "US", [16, 0]) + TestPart10.element(0x7FE0_0010, "OW", pixels)
        return (TestPart10.file(sopInstanceUID: "\(study).2.1", dataSet: dataSet), pixels)
    }

    @Test("single and multi-frame instances: the frames asked for, in that order, byte for byte")
    func frames() throws {
        let fixture = try DICOMwebFixture()
        let single = TestPart10.instance(study: Self.study, series: "\(Self.study).1", sop: "\(Self.study).1.1")
        let (multi, pixels) = Self.multiFrame()
        let stored = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([single, multi]))
        #expect(stored.status == 200, "\(stored.text)")
        let one = try fixture.client.get(
            "/dicom-web/studies/\(Self.study)/series/\(Self.study).1/instances/\(Self.study).1.1/frames/1")
        #expect(one.status == 200, "\(one.text)")
        let singleParts = try Answer.parts(one)
        #expect(singleParts.count == 1)
        #expect(singleParts.first?.body == Array(single.suffix(1024)), "the 32×16×16-bit frame is the file's tail")
        let base = "/dicom-web/studies/\(Self.study)/series/\(Self.study).2/instances/\(Self.study).2.1/frames/"
        let two = try fixture.client.get(base + "3,1", headers: [("Accept", Self.frames)])
        #expect(two.status == 200, "\(two.text)")
        let parts = try Answer.parts(two)
        #expect(parts.map(\.body) == [Array(pixels[64..<96]), Array(pixels[0..<32])])
        #expect(parts.allSatisfy { $0.headers["Content-Type"]?.hasPrefix("application/octet-stream") == true })
        for (path, status) in [("4", 404), ("0", 400), ("1,x", 400), ("2,,3", 400)] {
            let answer = try fixture.client.get(base + path)
            #expect(answer.status == status, "frames/\(path): \(answer.text)")
        }
        let jpeg = try fixture.client.get(
            base + "1", headers: [("Accept", Self.frames + "; transfer-syntax=1.2.840.10008.1.2.4.50")])
        #expect(jpeg.status == 406)
    }
}
