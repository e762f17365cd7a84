// Goal: Deflated Explicit VR Little Endian (PS3.5 §A.5) reads as the same data set as Explicit VR Little Endian in
// every split, a gzip trailer after the stream is passed over, and a truncated, corrupt or expanding stream is an
// error naming it; the transcoder deflates and inflates so that a round trip is the identity. Method: files written
// by Part10Writer (which deflates with zlib) and a hand-made bomb, fed whole and in the standard splits.
import DICOM
import Samples
import TestSupport
import Testing

struct DeflatedTests {
    static let instance = SyntheticInstance(seed: 5, rows: 16, columns: 16)

    /// The data set of a header without its element offsets (which differ: deflated offsets count inflated bytes).
    static func elements(_ header: Part10Header) -> [DICOMTag] { header.dataSet.elements.map(\.tag) }

    @Test("a deflated file reads as the explicit one, in every split, gzip trailer or not")
    func reads() throws {
        let explicit = try GeneratedDICOM.read(Self.instance.part10(transferSyntax: .explicitVRLittleEndian))
        let deflated = Self.instance.part10(transferSyntax: .deflatedExplicitVRLittleEndian)
        #expect(deflated.count < Self.instance.part10().count, "the data set is compressed")
        for file in [deflated, deflated + [0x4E, 0xD0, 0x58, 0x45, 0x1A, 0x02, 0x04, 0x00]] {
            for split in FeedSplit.standard {
                let header = try GeneratedDICOM.read(file, split: split)
                #expect(header.transferSyntax == .deflatedExplicitVRLittleEndian)
                #expect(Self.elements(header) == Self.elements(explicit), "split \(split)")
                #expect(header.dataSet.string(.patientName) == explicit.dataSet.string(.patientName))
            }
        }
    }

    @Test("truncated, corrupt and expanding deflated data sets are errors naming what is wrong")
    func hostile() throws {
        let deflated = Self.instance.part10(transferSyntax: .deflatedExplicitVRLittleEndian)
        let start = Int(try GeneratedDICOM.read(deflated).meta.dataSetOffset)
        func error(_ bytes: [UInt8], limits: DICOMLimits = .standard) -> DICOMParseError? {
            do {
                _ = try bytes.withUnsafeBytes { try Part10Reader.read($0, limits: limits) }
                return nil
            } catch {
                return error as? DICOMParseError
            }
        }
        #expect(error(Array(deflated.prefix(start + (deflated.count - start) / 2)))?.code == .truncated)
        var corrupt = deflated
        for index in stride(from: start + 4, to: deflated.count, by: 7) { corrupt[index] ^= 0x5A }
        #expect(error(corrupt) != nil, "a corrupt stream is an error")
        // A large value of zeros deflates to a few kilobytes; inflated it passes the input limit.
        var bomb = Self.instance.makeDataSet()
        bomb.set(DataElement(tag: DICOMTag(0x0029_1010), vr: .OB, value: .bytes([UInt8](repeating: 0, count: 8 << 20))))
        let file = Part10Writer.write(bomb, transferSyntax: .deflatedExplicitVRLittleEndian)
        #expect(file.count < 64 << 10)
        let limits = DICOMLimits(
            headerBytesMax: 1 << 20, inlineValueBytesMax: 1024, elementValueBytesMax: 16 << 20, sequenceDepthMax: 8,
            elementCountMax: 1000, inputBytesMax: 1 << 20)
        #expect(error(file, limits: limits)?.code == .inputTooLarge)
    }

    @Test("the transcoder deflates and inflates: implicit → deflated → implicit is the identity, in any split")
    func transcodes() throws {
        let implicit = Self.instance.part10(transferSyntax: .implicitVRLittleEndian)
        let dataSet = Array(implicit[Int(try GeneratedDICOM.read(implicit).meta.dataSetOffset)...])
        func transcode(_ pieces: [[UInt8]], _ from: TransferSyntax, _ to: TransferSyntax) throws -> [UInt8] {
            var transcoder = DataSetTranscoder(from: from, to: to)
            var output: [UInt8] = []
            for piece in pieces { try piece.withUnsafeBytes { try transcoder.feed($0, into: &output) } }
            try transcoder.finish(into: &output)
            return output
        }
        let deflated = try transcode([dataSet], .implicitVRLittleEndian, .deflatedExplicitVRLittleEndian)
        let normalized = try transcode([dataSet], .implicitVRLittleEndian, .implicitVRLittleEndian)
        #expect(
            try transcode(deflated.map { [$0] }, .deflatedExplicitVRLittleEndian, .implicitVRLittleEndian) == normalized
        )
        let explicit = try transcode([deflated], .deflatedExplicitVRLittleEndian, .explicitVRLittleEndian)
        #expect(explicit == (try transcode([dataSet], .implicitVRLittleEndian, .explicitVRLittleEndian)))
        #expect(throws: DICOMParseError.self) {
            try transcode(
                [Array(deflated.prefix(deflated.count / 2))], .deflatedExplicitVRLittleEndian, .explicitVRLittleEndian)
        }
    }
}
