// Goal: the transcoder rewrites a data set between Implicit VR Little Endian, Explicit VR Little Endian and Explicit
// VR Big Endian exactly as the writer encodes the same data set in the target syntax (sequences and items of
// undefined length), whatever the split of its input and whether the input's sequences had defined lengths; and
// hostile input (truncated, an item outside a sequence, a value past its item, bad VR bytes) is an error naming it.
// Method: one data set with text, numbers of every swap unit, nested sequences, a private element and pixel data,
// written by Part10Writer in each syntax and fed through the transcoder whole and byte by byte.
import DICOM
import Testing

struct DataSetTranscoderTests {
    static let syntaxes: [TransferSyntax] = [.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian]

    static let dataSet: DataSet = {
        let inner = DataSet([
            DataElement(tag: DICOMTag(0x0008_1150), vr: .UI, text: "1.2.840.10008.5.1.4.1.1.2"),
            DataElement(tag: DICOMTag(0x0008_1155), vr: .UI, text: "1.2.3.4.5"),
        ])
        let nested = DataSet([
            DataElement(tag: DICOMTag(0x0008_1140), items: [inner]),
            DataElement(tag: .patientName, vr: .PN, text: "Nested^Item"),
        ])
        return DataSet([
            DataElement(tag: .sopInstanceUID, vr: .UI, text: "1.2.3"),
            DataElement(tag: .patientName, vr: .PN, text: "Doe^Jane"),
            DataElement(tag: DICOMTag(0x0008_1140), items: [inner, inner]),
            DataElement(tag: DICOMTag(0x0009_0010), vr: .LO, text: "TESSERA"),
            DataElement(tag: DICOMTag(0x0009_1001), vr: .UN, value: .bytes([1, 2, 3, 4, 5, 6])),
            DataElement(tag: .rows, vr: .US, integers: [UInt16(0x0102)]),
            DataElement(tag: DICOMTag(0x0028_0009), vr: .AT, integers: [UInt16(0x0018), UInt16(0x1063)]),
            DataElement(tag: DICOMTag(0x0040_A730), items: [nested, DataSet([])]),
            DataElement(tag: .pixelData, vr: .OW, value: .bytes((0..<64).map { UInt8($0) })),
        ])
    }()

    static func encoded(_ syntax: TransferSyntax, undefined: Bool) -> [UInt8] {
        Part10Writer.dataSetBytes(
            dataSet, transferSyntax: syntax,
            options: Part10Writer.Options(undefinedLengthSequences: undefined, undefinedLengthItems: undefined))
    }

    static func transcode(_ bytes: [UInt8], _ source: TransferSyntax, _ target: TransferSyntax, split: Int? = nil)
        throws(DICOMParseError) -> [UInt8]
    {
        var transcoder = DataSetTranscoder(from: source, to: target)
        var output: [UInt8] = []
        let step = split ?? max(1, bytes.count)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            let piece = Array(bytes[start..<end])
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: piece.count, alignment: 1)
            defer { raw.deallocate() }
            raw.copyBytes(from: piece)
            try transcoder.feed(UnsafeRawBufferPointer(raw), into: &output)
            start = end
        }
        try transcoder.finish(into: &output)
        return output
    }

    @Test(
        "every pair of native syntaxes, defined or undefined lengths in, byte for byte the writer's",
        arguments: syntaxes)
    func everyPair(source: TransferSyntax) throws {
        for target in Self.syntaxes {
            let expected = Self.encoded(target, undefined: true)
            for undefined in [false, true] {
                let input = Self.encoded(source, undefined: undefined)
                #expect(try Self.transcode(input, source, target) == expected, "\(source.name) → \(target.name)")
                #expect(
                    try Self.transcode(input, source, target, split: 1) == expected,
                    "\(source.name) → \(target.name), byte by byte")
            }
        }
    }

    @Test("big endian swaps each value by its VR's unit and leaves text and UN alone")
    func bigEndianUnits() throws {
        let output = try Self.transcode(
            Self.encoded(.explicitVRLittleEndian, undefined: true), .explicitVRLittleEndian, .explicitVRBigEndian)
        // Rows (0028,0010) US 0x0102: tag, "US", length 2, value big-endian.
        #expect(output.firstRange(of: [0x00, 0x28, 0x00, 0x10, 0x55, 0x53, 0x00, 0x02, 0x01, 0x02]) != nil)
        #expect(output.firstRange(of: Array("Doe^Jane".utf8)) != nil)
        #expect(output.firstRange(of: [1, 2, 3, 4, 5, 6]) != nil)
    }

    @Test("hostile input: truncated, an item outside a sequence, a value past its item, bad VR bytes")
    func hostile() {
        let valid = Self.encoded(.explicitVRLittleEndian, undefined: false)
        func code(_ bytes: [UInt8], _ source: TransferSyntax = .explicitVRLittleEndian) -> DICOMParseError.Code? {
            do {
                _ = try Self.transcode(bytes, source, .implicitVRLittleEndian)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(Array(valid.dropLast(3))) == .truncated)
        #expect(code([0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0]) == .unexpectedItem)
        #expect(code([0x08, 0x00, 0x18, 0x00, 0x5A, 0x5A, 0x02, 0x00, 0x31, 0x32]) == .invalidVR)
        // A sequence of defined length 12 whose only item claims 100 bytes.
        let past: [UInt8] =
            [0x08, 0x00, 0x40, 0x11, 0x53, 0x51, 0, 0, 12, 0, 0, 0, 0xFE, 0xFF, 0x00, 0xE0, 100, 0, 0, 0]
            + [0x08, 0x00, 0x50, 0x11, 0x55, 0x49, 0x02, 0x00, 0x31, 0x00]
        #expect(code(past) == .lengthPastEnd)
        // Each truncation of a valid data set is an error or a shorter valid one, never a crash.
        for length in stride(from: 0, to: valid.count, by: 7) { _ = code(Array(valid.prefix(length))) }
    }
}
