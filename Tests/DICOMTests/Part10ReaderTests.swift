// Goal: the streaming Part-10 reader returns the same header whatever the split, for every transfer syntax, with
// sequences of defined and undefined length and encapsulated pixel data. Method: write generated data sets with
// Part10Writer, read them back in whole, single-byte and seeded random splits, and compare with the original.
import DICOM
import Primitives
import Samples
import TestSupport
import Testing

/// The syntaxes the writer encodes natively.
let nativeSyntaxes: [TransferSyntax] = [.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian]

/// A data set with nested sequences: an empty sequence, an empty item, and three levels of nesting.
func nestedDataSet() -> DataSet {
    let leaf = DataSet(
        [
            DataElement(tag: .codeValue, vr: .SH, text: "T-D4000"),
            DataElement(tag: .codingSchemeDesignator, vr: .SH, text: "SRT"),
            DataElement(tag: .codeMeaning, vr: .LO, text: "Abdomen"),
        ], characterSet: .utf8)
    let middle = DataSet(
        [
            DataElement(tag: .referencedSOPClassUID, vr: .UI, text: SyntheticInstance.ctImageStorage),
            DataElement(tag: .referencedSOPInstanceUID, vr: .UI, text: "1.2.3.4.5"),
            DataElement(tag: DICOMTag(0x0008_2218), items: [leaf, DataSet(characterSet: .utf8)]),
        ], characterSet: .utf8)
    var dataSet = SyntheticInstance(seed: 7).makeDataSet()
    dataSet.set(DataElement(tag: DICOMTag(0x0008_1140), items: [middle, middle]))
    dataSet.set(DataElement(tag: DICOMTag(0x0008_1110), items: []))
    dataSet.set(DataElement(tag: .rows, vr: .US, integers: [UInt16(2)]))
    dataSet.set(DataElement(tag: .columns, vr: .US, integers: [UInt16(2)]))
    return dataSet
}

/// The original elements plus Pixel Data as the reader reports it.
func expectedElements(_ dataSet: DataSet, pixelOffset: Int64, pixelLength: Int64) -> [DataElement] {
    var elements = dataSet.sortedElements
    elements.append(
        DataElement(
            tag: .pixelData, vr: .OW, value: .bulkData(BulkDataReference(offset: pixelOffset, length: pixelLength))))
    return elements
}

@Suite struct Part10ReaderTests {
    @Test(
        "every native transfer syntax round-trips through the writer and reader, in every split", arguments: [0, 1, 2])
    func roundTrip(syntaxIndex: Int) throws {
        let syntax = nativeSyntaxes[syntaxIndex]
        let instance = SyntheticInstance(seed: 42, rows: 8, columns: 8)
        let bytes = instance.part10(transferSyntax: syntax)
        let pixelLength = Int64(8 * 8 * 2)
        for split in FeedSplit.standard {
            let header = try GeneratedDICOM.read(bytes, split: split)
            #expect(header.transferSyntax == syntax)
            #expect(header.meta.transferSyntaxUID == syntax.uid)
            #expect(header.meta.mediaStorageSOPInstanceUID == instance.sopInstanceUID)
            #expect(header.meta.implementationClassUID == Part10Writer.implementationClassUID)
            let pixelOffset = Int64(bytes.count) - pixelLength
            let expected = expectedElements(instance.makeDataSet(), pixelOffset: pixelOffset, pixelLength: pixelLength)
            #expect(header.dataSet.elements == expected, "split \(split)")
            #expect(header.dataSet.characterSet == .utf8)
        }
    }

    @Test("sequences of defined and undefined length, items of both, nested, read back equal in every syntax")
    func sequences() throws {
        let dataSet = nestedDataSet()
        for syntax in nativeSyntaxes {
            for (sequences, items) in [(false, false), (true, false), (false, true), (true, true)] {
                let options = Part10Writer.Options(undefinedLengthSequences: sequences, undefinedLengthItems: items)
                let pixels = [UInt8](repeating: 9, count: 8)
                let bytes = Part10Writer.write(
                    dataSet, transferSyntax: syntax, pixelData: .native(pixels), options: options)
                for split in FeedSplit.standard {
                    let header = try GeneratedDICOM.read(bytes, split: split)
                    let expected = expectedElements(dataSet, pixelOffset: Int64(bytes.count - 8), pixelLength: 8)
                    #expect(header.dataSet.elements == expected, "\(syntax) \(options) \(split)")
                    let items = header.dataSet.sequence(DICOMTag(0x0008_1140)) ?? []
                    #expect(items.count == 2)
                    #expect(items.first?.sequence(DICOMTag(0x0008_2218))?.first?.string(.codeMeaning) == "Abdomen")
                    #expect(header.dataSet.sequence(DICOMTag(0x0008_1110)) == [])
                }
            }
        }
    }

    @Test("encapsulated pixel data is walked item by item, never buffered, and reported as one reference")
    func encapsulated() throws {
        let dataSet = SyntheticInstance(seed: 3).makeDataSet()
        let fragments: [[UInt8]] = [TestBytes.random(count: 1001, seed: 1), TestBytes.random(count: 64, seed: 2)]
        let bytes = Part10Writer.write(
            dataSet, transferSyntax: .jpegBaseline,
            pixelData: .encapsulated(offsetTable: [0], fragments: fragments))
        for split in FeedSplit.standard {
            let header = try GeneratedDICOM.read(bytes, split: split)
            #expect(header.transferSyntax == .jpegBaseline)
            let pixels = try #require(header.pixelData)
            #expect(pixels.isEncapsulated)
            #expect(pixels.itemCount == 3)
            // Offset table item (8 + 4), two fragments (8 + 1002, 8 + 64) and the delimiter (8).
            let expectedLength: Int64 = 12 + 1010 + 72 + 8
            #expect(pixels.length == expectedLength)
            #expect(pixels.offset + pixels.length! == Int64(bytes.count))
        }
    }

    @Test("encapsulated pixel data in an implicit-VR data set is OB, as in pydicom's SC_rgb_jpeg.dcm")
    func encapsulatedImplicit() throws {
        // The file's meta group says JPEG Baseline while its data set is written in implicit VR; the reader follows
        // the data set, and the dictionary's OW for Pixel Data only fits native pixels (PS3.5 §A.4).
        let dataSet = SyntheticInstance(seed: 4).makeDataSet()
        let implicit = Part10Writer.write(
            dataSet, transferSyntax: .implicitVRLittleEndian,
            pixelData: .encapsulated(offsetTable: [0], fragments: [TestBytes.random(count: 300, seed: 3)]))
        let bodyStart = 132 + Part10Writer.metaGroup(for: dataSet, transferSyntax: .implicitVRLittleEndian).count
        let bytes =
            Array(implicit[..<132]) + Part10Writer.metaGroup(for: dataSet, transferSyntax: .jpegBaseline)
            + Array(implicit[bodyStart...])
        for split in FeedSplit.standard {
            let header = try GeneratedDICOM.read(bytes, split: split)
            let pixels = try #require(header.dataSet[.pixelData])
            #expect(pixels.vr == .OB)
            #expect(pixels.bulkData?.isEncapsulated == true)
        }
    }

    @Test("the header is published as soon as top-level Pixel Data starts, before its bytes arrive")
    func headerBeforePixels() throws {
        let instance = SyntheticInstance(seed: 5, rows: 32, columns: 32)
        let bytes = instance.part10()
        let pixelStart = bytes.count - 32 * 32 * 2
        var reader = Part10Reader()
        try GeneratedDICOM.feed(Array(bytes[..<(pixelStart - 1)]), to: &reader, split: .whole)
        #expect(reader.header == nil)
        try GeneratedDICOM.feed(Array(bytes[(pixelStart - 1)..<(pixelStart + 10)]), to: &reader, split: .whole)
        let early = try #require(reader.header)
        #expect(early.sopInstanceUID == instance.sopInstanceUID)
        #expect(early.pixelData == BulkDataReference(offset: Int64(pixelStart), length: Int64(32 * 32 * 2)))
        try GeneratedDICOM.feed(Array(bytes[(pixelStart + 10)...]), to: &reader, split: .whole)
        #expect(try reader.finish() == early)
    }

    @Test("values over inlineValueBytesMax become bulk data at the right offset; elements after pixel data are kept")
    func bulkData() throws {
        let blob = TestBytes.random(count: 100_000, seed: 9)
        var dataSet = SyntheticInstance(seed: 1).makeDataSet()
        dataSet.set(DataElement(tag: DICOMTag(0x0029_0010), vr: .LO, text: "TESSERA"))
        dataSet.set(DataElement(tag: DICOMTag(0x0029_1000), vr: .OB, value: .bytes(blob)))
        dataSet.set(DataElement(tag: .dataSetTrailingPadding, vr: .OB, value: .bytes([0, 0, 0, 0])))
        let bytes = Part10Writer.write(dataSet, transferSyntax: .explicitVRLittleEndian, pixelData: .native([1, 2]))
        for split in [FeedSplit.whole, .random(seed: 4, sizeMax: 3000)] {
            let header = try GeneratedDICOM.read(bytes, split: split)
            let reference = try #require(header.dataSet[DICOMTag(0x0029_1000)]?.bulkData)
            #expect(reference.length == 100_000)
            let start = Int(reference.offset)
            #expect(Array(bytes[start..<start + 100_000]) == blob)
            #expect(header.dataSet.elements.last?.tag == .dataSetTrailingPadding)
            #expect(header.dataSet[DICOMTag(0x0029_0010)]?.vr == .LO)
        }
    }

    @Test("an implicit VR file takes its VRs from the dictionary, with UL group lengths and LO private creators")
    func implicitVRs() throws {
        var body: [UInt8] = []
        body += GeneratedDICOM.implicitElement(0x0008_0000, GeneratedDICOM.littleEndian(UInt32(8)))
        body += GeneratedDICOM.implicitElement(0x0008_0018, GeneratedDICOM.padded("1.2.3", with: 0))
        body += GeneratedDICOM.implicitElement(0x0009_0010, GeneratedDICOM.padded("ACME"))
        body += GeneratedDICOM.implicitElement(0x0009_1001, [1, 2, 3, 4])
        body += GeneratedDICOM.implicitElement(0x0028_0010, GeneratedDICOM.littleEndian(UInt16(512)))
        let file = GeneratedDICOM.file(transferSyntaxUID: TransferSyntax.implicitVRLittleEndian.uid, body: body)
        let header = try GeneratedDICOM.read(file, split: .singleBytes)
        #expect(header.dataSet.elements.map(\.vr) == [.UL, .UI, .LO, .UN, .US])
        #expect(header.dataSet.integer(.rows) == 512)
        #expect(header.dataSet.string(DICOMTag(0x0009_0010)) == "ACME")
    }
}
