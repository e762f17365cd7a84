// Goal: every hostile input ends in the expected DICOMParseError code, with a message naming what was wrong, and
// never a crash, a stack overflow or a huge allocation. Method: hand-built and truncated files, read whole and in
// single bytes (the error must not depend on the split).
import DICOM
import Primitives
import TestSupport
import Testing

/// Reads `bytes` whole and byte by byte, expecting the same error with `code` both ways.
func expectError(
    _ bytes: [UInt8], _ code: DICOMParseError.Code, limits: DICOMLimits = .standard, mentioning words: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let whole = GeneratedDICOM.error(bytes, split: .whole, limits: limits)
    #expect(whole?.code == code, "\(whole.map(String.init(describing:)) ?? "no error")", sourceLocation: sourceLocation)
    let single = GeneratedDICOM.error(bytes, split: .random(seed: 11, sizeMax: 3), limits: limits)
    #expect(single == whole, sourceLocation: sourceLocation)
    for word in words {
        #expect(
            whole?.message.contains(word) == true, "\(whole?.message ?? "") lacks \(word)",
            sourceLocation: sourceLocation)
    }
}

let explicitLE = TransferSyntax.explicitVRLittleEndian.uid

@Suite struct HostileInputTests {
    @Test("bytes that are not DICOM: random, short, empty, or without DICM")
    func notDICOM() {
        expectError(TestBytes.random(count: 5000, seed: 1), .notDICOM, mentioning: ["DICM"])
        expectError(Array("hello".utf8), .notDICOM)
        expectError([], .notDICOM)
        var file = GeneratedDICOM.ct()
        file[129] = 0x58
        expectError(file, .notDICOM, mentioning: ["offset 128"])
    }

    @Test("every prefix of a file either fails as truncated or reads as a prefix of the whole data set")
    func truncatedEverywhere() throws {
        let file = GeneratedDICOM.ct(rows: 4, columns: 4)
        let whole = try GeneratedDICOM.read(file).dataSet.elements
        var truncatedCount = 0
        for cut in 0..<file.count {
            let prefix = Array(file[..<cut])
            do throws(DICOMParseError) {
                let header = try GeneratedDICOM.read(prefix)
                #expect(Array(whole.prefix(header.dataSet.elements.count)) == header.dataSet.elements, "cut \(cut)")
                #expect(header.dataSet.elements.count < whole.count)
            } catch {
                #expect([.truncated, .notDICOM, .missingTransferSyntax].contains(error.code), "cut \(cut): \(error)")
                if error.code == .truncated { truncatedCount += 1 }
            }
        }
        #expect(truncatedCount > file.count / 2)
    }

    @Test("a file cut inside its pixel data names Pixel Data, the declared length and where the stream ended")
    func truncatedPixelData() {
        let file = GeneratedDICOM.ct(rows: 16, columns: 16)
        expectError(
            Array(file.dropLast(100)), .truncated, mentioning: ["(7FE0,0010) PixelData", "declares 512 bytes", "412"])
    }

    @Test("an element longer than its item is refused as past the end; a top-level one as truncated")
    func lengthPastEnd() {
        var item = GeneratedDICOM.explicitElement(0x0008_0100, "SH", GeneratedDICOM.padded("ABC"), length: 200)
        item = GeneratedDICOM.implicitElement(0xFFFE_E000, item)
        let sequence = GeneratedDICOM.explicitElement(0x0008_1140, "SQ", item)
        expectError(
            GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: sequence + [UInt8](repeating: 0x20, count: 300)),
            .lengthPastEnd, mentioning: ["(0008,0100) CodeValue", "item at offset"])
        let element = GeneratedDICOM.explicitElement(0x0010_0010, "PN", Array("Doe".utf8), length: 1000)
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: element), .truncated)
    }

    @Test("sequences nested 10,000 deep are refused at the depth limit, without recursion")
    func deepNesting() {
        var body: [UInt8] = []
        for _ in 0..<10_000 {
            body += GeneratedDICOM.explicitElement(0x0008_1140, "SQ", [], length: 0xFFFF_FFFF)
            body += GeneratedDICOM.implicitElement(0xFFFE_E000, [], length: 0xFFFF_FFFF)
        }
        expectError(
            GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: body), .nestingTooDeep,
            mentioning: ["limit of 64", "sequenceDepthMax"])
        var implicitBody: [UInt8] = []
        for _ in 0..<10_000 {
            implicitBody += GeneratedDICOM.implicitElement(0x0008_1140, [], length: 0xFFFF_FFFF)
            implicitBody += GeneratedDICOM.implicitElement(0xFFFE_E000, [], length: 0xFFFF_FFFF)
        }
        let implicitUID = TransferSyntax.implicitVRLittleEndian.uid
        expectError(GeneratedDICOM.file(transferSyntaxUID: implicitUID, body: implicitBody), .nestingTooDeep)
    }

    @Test("a declared length near 4 GiB is refused at once, inline or as pixel data")
    func fourGigabyteLength() {
        let blob = GeneratedDICOM.explicitElement(0x0009_1000, "OB", [1, 2], length: 0xFFFF_FFF0)
        expectError(
            GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: blob), .valueTooLarge,
            mentioning: ["4294967280", "elementValueBytesMax"])
        let pixels = GeneratedDICOM.implicitElement(0x7FE0_0010, [], length: 0xFFFF_FFFE)
        let implicitUID = TransferSyntax.implicitVRLittleEndian.uid
        expectError(GeneratedDICOM.file(transferSyntaxUID: implicitUID, body: pixels), .valueTooLarge)
    }

    @Test("a header over headerBytesMax, too many elements, or too much input is refused naming the limit")
    func sizeLimits() {
        var body: [UInt8] = []
        for index in 0..<300 {
            body += GeneratedDICOM.explicitElement(
                0x0009_1000 + UInt32(index), "LT", [UInt8](repeating: 0x41, count: 60_000))
        }
        let file = GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: body)
        expectError(file, .headerTooLarge, mentioning: ["headerBytesMax", "16777216"])
        expectError(
            GeneratedDICOM.ct(), .tooManyElements, limits: DICOMLimits(elementCountMax: 20),
            mentioning: ["elementCountMax"])
        expectError(
            GeneratedDICOM.ct(), .inputTooLarge, limits: DICOMLimits(inputBytesMax: 1000),
            mentioning: ["inputBytesMax"])
    }

    @Test("a deflated syntax over bytes that are not deflated, missing and malformed syntaxes have their own codes")
    func transferSyntaxes() {
        let body = GeneratedDICOM.explicitElement(0x0010_0010, "PN", GeneratedDICOM.padded("Doe"))
        expectError(
            GeneratedDICOM.file(transferSyntaxUID: TransferSyntax.deflatedExplicitVRLittleEndian.uid, body: body),
            .corruptDeflate, mentioning: ["deflated data set is corrupt"])
        expectError(GeneratedDICOM.file(transferSyntaxUID: nil, body: body), .missingTransferSyntax)
        expectError(GeneratedDICOM.file(transferSyntaxUID: "1.2.abc", body: body), .invalidTransferSyntax)
        expectError(GeneratedDICOM.file(transferSyntaxUID: "", body: body), .missingTransferSyntax)
    }

    @Test("items and delimiters where none belong, bad VRs and lengths, each with its own code")
    func structuralErrors() {
        let strayItem = GeneratedDICOM.implicitElement(0xFFFE_E000, [1, 2])
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: strayItem), .unexpectedItem)
        let strayDelimiter = GeneratedDICOM.implicitElement(0xFFFE_E0DD, [])
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: strayDelimiter), .unexpectedItem)
        let name = GeneratedDICOM.explicitElement(0x0010_0010, "PN", GeneratedDICOM.padded("Doe"))
        let badVR = GeneratedDICOM.explicitElement(0x0010_0020, "p1", [0x41, 0x41])
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: name + badVR), .invalidVR)
        let oddRows = GeneratedDICOM.explicitElement(0x0028_0010, "US", [1, 2, 3])
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: oddRows), .invalidLength)
        let undefinedText = GeneratedDICOM.explicitElement(0x0008_103E, "UT", [], length: 0xFFFF_FFFF)
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: undefinedText), .invalidLength)
        var sequence = GeneratedDICOM.explicitElement(0x0008_1140, "SQ", [], length: 0xFFFF_FFFF)
        sequence += GeneratedDICOM.implicitElement(0xFFFE_E0DD, [0, 0, 0, 0])
        expectError(GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: sequence), .invalidLength)
        let unclosed = GeneratedDICOM.explicitElement(0x0008_1140, "SQ", [], length: 0xFFFF_FFFF)
        expectError(
            GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: unclosed), .truncated,
            mentioning: ["sequence (0008,1140) ReferencedImageSequence"])
    }

    @Test("a stream ending inside a sequence of the file meta group is truncated (found by FuzzDICOM)")
    func truncatedInMetaSequence() {
        var file = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        file += GeneratedDICOM.explicitElement(0x0002_0010, "UI", GeneratedDICOM.padded(explicitLE, with: 0))
        file += GeneratedDICOM.explicitElement(0x0002_0101, "SQ", [], length: 0xFFFF_FFFF)
        expectError(file, .truncated, mentioning: ["sequence (0002,0101)"])
    }

    @Test("after an error every later feed and finish throws the same error")
    func errorsAreSticky() throws {
        var reader = Part10Reader()
        let junk = TestBytes.random(count: 200, seed: 5)
        var first: DICOMParseError?
        do throws(DICOMParseError) {
            try GeneratedDICOM.feed(junk, to: &reader, split: .whole)
        } catch { first = error }
        #expect(first?.code == .notDICOM)
        #expect(throws: first!) { try GeneratedDICOM.feed(junk, to: &reader, split: .whole) }
        #expect(throws: first!) { _ = try reader.finish() }
    }
}

@Suite struct LargeHeaderTests {
    @Test("a header of 100,000 small elements reads (in linear time: a quadratic reader would not finish)")
    func manyElements() throws {
        var body: [UInt8] = []
        for index in 0..<100_000 {
            body += GeneratedDICOM.explicitElement(0x0009_0000 | UInt32(index % 0xFFFF + 1), "SH", [0x41, 0x42])
        }
        let header = try GeneratedDICOM.read(
            GeneratedDICOM.file(transferSyntaxUID: explicitLE, body: body), split: .random(seed: 1, sizeMax: 65536))
        #expect(header.dataSet.elements.count == 100_000)
    }
}
