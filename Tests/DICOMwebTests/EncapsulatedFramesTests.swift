// Goal: frames of compressed pixel data are the fragments PS3.5 §A.4 gives each frame (one frame: all; as many
// fragments as frames: one each; else the Basic Offset Table, else JPEG/JPEG 2000 start markers), served as stored
// in their syntax's media type, in the order asked; an Accept that needs decompression is 406. Method: the scanner
// and the mapping called directly, whole and byte by byte; then an in-process responder over a stored JPEG file.
import DICOM
import HTTP
import Primitives
import Testing

@testable import DICOMweb

struct EncapsulatedFramesTests {
    /// An encapsulated value: the offset table, then each fragment as an item, then the delimiter.
    static func value(table: [UInt32], fragments: [[UInt8]]) -> [UInt8] {
        func item(_ bytes: [UInt8]) -> [UInt8] {
            let length = UInt32(bytes.count)
            return [0xFE, 0xFF, 0x00, 0xE0] + (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) } + bytes
        }
        let tableBytes = table.flatMap { entry in (0..<4).map { UInt8((entry >> (8 * $0)) & 0xFF) } }
        return item(tableBytes) + fragments.flatMap(item) + [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
    }

    static func scan(_ bytes: [UInt8], pieceSize: Int) throws -> FragmentScanner {
        var scanner = FragmentScanner()
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceSize, bytes.count)
            try bytes[start..<end].withUnsafeBytes { try scanner.write($0) }
            start = end
        }
        return scanner
    }

    @Test("the scanner finds the table and fragments whatever the split; the mapping follows PS3.5 §A.4")
    func mapping() throws {
        let jpegA: [UInt8] = [0xFF, 0xD8, 1, 2]
        let jpegB: [UInt8] = [3, 4, 0xFF, 0xD9]
        let jpegC: [UInt8] = [0xFF, 0xD8, 5, 0xFF, 0xD9, 0]
        let bytes = Self.value(table: [0, 24], fragments: [jpegA, jpegB, jpegC])
        let whole = try Self.scan(bytes, pieceSize: bytes.count)
        let single = try Self.scan(bytes, pieceSize: 1)
        #expect(whole.isComplete && single.isComplete)
        #expect(whole.offsetTable == [0, 24] && single.offsetTable == [0, 24])
        #expect(whole.fragments == single.fragments)
        #expect(whole.fragments.map(\.marker) == [0xFFD8, 0x0304, 0xFFD8])
        // Item values start at 16 + 8 (table item and its 8 bytes), then every 8 + length.
        let fragments = whole.fragments
        #expect(fragments.map(\.valueOffset) == [24, 36, 48])
        let byTable = EncapsulatedFrames.ranges(frameCount: 2, offsetTable: [0, 24], fragments: fragments)
        #expect(byTable == [[24..<28, 36..<40], [48..<54]])
        let byMarker = EncapsulatedFrames.ranges(frameCount: 2, offsetTable: [], fragments: fragments)
        #expect(byMarker == byTable, "without a table, the start-of-image markers give the same frames")
        #expect(EncapsulatedFrames.ranges(frameCount: 1, offsetTable: [], fragments: fragments)?.first?.count == 3)
        #expect(EncapsulatedFrames.ranges(frameCount: 3, offsetTable: [], fragments: fragments)?.count == 3)
        #expect(EncapsulatedFrames.ranges(frameCount: 2, offsetTable: [0, 5], fragments: fragments) == nil)
        #expect(EncapsulatedFrames.ranges(frameCount: 4, offsetTable: [], fragments: fragments) == nil)
        for hostile in [[0x08, 0x00, 0x00, 0xE0, 0, 0, 0, 0], [0xFE, 0xFF, 0x00, 0xE0, 3, 0, 0, 0]] as [[UInt8]] {
            #expect(throws: DICOMwebError.self) { try Self.scan(hostile, pieceSize: 1) }
        }
    }

    @Test("seeded hostile values: scanned whole and byte by byte alike, or refused alike; never a crash")
    func hostileValues() throws {
        let valid = Self.value(table: [0, 16], fragments: [[0xFF, 0xD8, 1, 2, 3, 4, 5, 6], [0xFF, 0xD8, 9, 9]])
        var random = SeededRandom(seed: 14)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<(1 + random.next() % 3) where !bytes.isEmpty {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(position...)
                default: bytes.insert(0xFF, at: position)
                }
            }
            let whole = try? Self.scan(bytes, pieceSize: max(bytes.count, 1))
            let single = try? Self.scan(bytes, pieceSize: 1)
            #expect(whole?.fragments == single?.fragments && whole?.offsetTable == single?.offsetTable)
            #expect(whole?.isComplete == single?.isComplete)
        }
    }

    @Test("frames of a stored JPEG file: as stored, image/jpeg, in the order asked; 406 for an uncompressed Accept")
    func served() throws {
        let fixture = try DICOMwebFixture()
        let study = "1.2.826.0.1.3680043.10.9.12"
        let frames: [[UInt8]] = [[0xFF, 0xD8, 0x10, 0x11, 0xFF, 0xD9], [0xFF, 0xD8, 0x20, 0xFF, 0xD9, 0x00]]
        let dataSet = DataSet([
            DataElement(tag: .sopClassUID, vr: .UI, text: "1.2.840.10008.5.1.4.1.1.7"),
            DataElement(tag: .sopInstanceUID, vr: .UI, text: "\(study).1.1"),
            DataElement(tag: .studyInstanceUID, vr: .UI, text: study),
            DataElement(tag: .seriesInstanceUID, vr: .UI, text: "\(study).1"),
            DataElement(tag: DICOMTag(0x0028_0008), vr: .IS, text: "2"),
        ])
        let file = Part10Writer.write(
            dataSet, transferSyntax: .jpegBaseline,
            pixelData: .encapsulated(
                offsetTable: [], fragments: [Array(frames[0].prefix(2)), Array(frames[0].dropFirst(2)), frames[1]]))
        let stored = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([file]))
        #expect(stored.status == 200, "\(stored.text)")
        let base = "/dicom-web/studies/\(study)/series/\(study).1/instances/\(study).1.1/frames/"
        let answer = try fixture.client.get(base + "2,1")
        #expect(answer.status == 200, "\(answer.text)")
        let parts = try Answer.parts(answer)
        #expect(parts.map(\.body) == [frames[1], frames[0]])
        #expect(parts.allSatisfy { $0.headers["Content-Type"] == "image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50" })
        let cases: [(accept: String, status: Int)] = [
            ("multipart/related; type=\"image/jpeg\"", 200),
            ("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*", 200),
            ("multipart/related; type=\"application/octet-stream\"", 406),
            ("multipart/related; type=\"image/jls\"", 406),
        ]
        for (accept, status) in cases {
            let asked = try fixture.client.get(base + "1", headers: [("Accept", accept)])
            #expect(asked.status == status, "\(accept): \(asked.text)")
        }
        #expect(try fixture.client.get(base + "3").status == 404)
    }
}
