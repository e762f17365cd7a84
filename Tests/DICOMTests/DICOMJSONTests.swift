// Goal: DICOM JSON (PS3.18 Annex F) output is exactly the golden text for person names, numbers, sequences, bulk
// data and escaping, and is deterministic. Method: encode hand-built data sets and compare the bytes as strings.
import DICOM
import TestSupport
import Testing

func json(_ dataSet: DataSet, bulkDataURI: @escaping DICOMJSON.BulkDataURIProvider = { _, _ in nil }) -> String {
    String(decoding: DICOMJSON.encode(dataSet, bulkDataURI: bulkDataURI), as: UTF8.self)
}

@Suite struct DICOMJSONTests {
    @Test("person names become Alphabetic/Ideographic/Phonetic objects; empty values carry only the VR")
    func personNames() {
        let dataSet = DataSet(
            [
                DataElement(tag: .patientName, vr: .PN, text: "Yamada^Tarou=山田^太郎=やまだ^たろう"),
                DataElement(tag: .referringPhysicianName, vr: .PN, text: "Doe^John\\\\=Smith"),
                DataElement(tag: .patientID, vr: .LO, value: .bytes([])),
            ], characterSet: .utf8)
        let expected =
            #"{"00080090":{"vr":"PN","Value":[{"Alphabetic":"Doe^John"},null,{"Ideographic":"Smith"}]},"#
            + #""00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","#
            + #""Phonetic":"やまだ^たろう"}]},"00100020":{"vr":"LO"}}"#
        #expect(json(dataSet) == expected)
    }

    @Test("IS, DS and binary numbers are JSON numbers; AT is GGGGEEEE; multi-values and empty values")
    func numbers() {
        let dataSet = DataSet([
            DataElement(tag: .instanceNumber, vr: .IS, text: "+12"),
            DataElement(tag: .imagePositionPatient, vr: .DS, texts: ["-160", "1.50", ".5", "1e3", "", "abc"]),
            DataElement(tag: .rows, vr: .US, integers: [UInt16(512)]),
            DataElement(tag: .pixelPaddingValue, vr: .SS, integers: [Int16(-2000)]),
            DataElement(tag: DICOMTag(0x0018_9345), vr: .FD, integers: [(2.5).bitPattern, Double.nan.bitPattern]),
            DataElement(tag: DICOMTag(0x0020_9165), vr: .AT, integers: [UInt16(0x0020), 0x0032, 0x7FE0, 0x0010]),
            DataElement(tag: DICOMTag(0x0018_1310), vr: .US, integers: [UInt16(0), 256, 256, 0]),
        ])
        let expected =
            #"{"00181310":{"vr":"US","Value":[0,256,256,0]},"00189345":{"vr":"FD","Value":[2.5,"NaN"]},"#
            + #""00200013":{"vr":"IS","Value":[12]},"#
            + #""00200032":{"vr":"DS","Value":[-160,1.5,0.5,1000,null,"abc"]},"#
            + #""00209165":{"vr":"AT","Value":["00200032","7FE00010"]},"#
            + #""00280010":{"vr":"US","Value":[512]},"00280120":{"vr":"SS","Value":[-2000]}}"#
        #expect(json(dataSet) == expected)
    }

    @Test("sequences are arrays of objects, empty items {} and empty sequences carry only the VR")
    func sequences() {
        let item = DataSet([DataElement(tag: .referencedSOPInstanceUID, vr: .UI, text: "1.2.3")])
        let dataSet = DataSet([
            DataElement(tag: .referencedSOPSequence, items: [item, DataSet()]),
            DataElement(tag: .failedSOPSequence, items: []),
            DataElement(tag: DICOMTag(0x0008_0000), vr: .UL, integers: [UInt32(4)]),
        ])
        let expected =
            #"{"00081198":{"vr":"SQ"},"00081199":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["1.2.3"]}},{}]}}"#
        #expect(json(dataSet) == expected)
    }

    @Test("binary values are InlineBinary base64 unless a BulkDataURI is given; stream values only by URI")
    func bulkData() {
        let dataSet = DataSet([
            DataElement(tag: DICOMTag(0x0009_1001), vr: .OB, value: .bytes([0xFF, 0x00, 0x10, 0x20])),
            DataElement(tag: DICOMTag(0x0009_1002), vr: .UN, value: .bytes(Array("abcde".utf8))),
            DataElement(
                tag: .pixelData, vr: .OW, value: .bulkData(BulkDataReference(offset: 1234, length: 8))),
            DataElement(
                tag: .referencedSOPSequence,
                items: [DataSet([DataElement(tag: DICOMTag(0x0009_1003), vr: .OB, value: .bytes([1, 2]))])]),
        ])
        let inline =
            #"{"00081199":{"vr":"SQ","Value":[{"00091003":{"vr":"OB","InlineBinary":"AQI="}}]},"#
            + #""00091001":{"vr":"OB","InlineBinary":"/wAQIA=="},"00091002":{"vr":"UN","InlineBinary":"YWJjZGU="},"#
            + #""7FE00010":{"vr":"OW"}}"#
        #expect(json(dataSet) == inline)
        let uris = json(dataSet) { path, element in
            if let bulk = element.bulkData { return "bulk/\(bulk.offset)" }
            return path.tags.count > 1 ? "bulk/\(path)" : nil
        }
        let expected =
            #"{"00081199":{"vr":"SQ","Value":[{"00091003":{"vr":"OB","BulkDataURI":"bulk/00081199/0/00091003"}}]},"#
            + #""00091001":{"vr":"OB","InlineBinary":"/wAQIA=="},"00091002":{"vr":"UN","InlineBinary":"YWJjZGU="},"#
            + #""7FE00010":{"vr":"OW","BulkDataURI":"bulk/1234"}}"#
        #expect(uris == expected)
    }

    @Test("strings are escaped per RFC 8259 and Latin-1 text comes out as UTF-8")
    func escaping() {
        let dataSet = DataSet(
            [
                DataElement(tag: .studyDescription, vr: .LO, value: .bytes([0x22, 0x5C, 0x2F, 0x01, 0xE9, 0x20])),
                DataElement(tag: DICOMTag(0x0020_4000), vr: .LT, value: .bytes(Array("a\tb\r\nc\\d".utf8))),
            ], characterSet: .latin1)
        let expected =
            #"{"00081030":{"vr":"LO","Value":["\"","/\u0001é"]},"#
            + #""00204000":{"vr":"LT","Value":["a\tb\r\nc\\d"]}}"#
        #expect(json(dataSet) == expected)
    }

    @Test("the same instance always encodes to the same bytes, in ascending tag order")
    func deterministic() throws {
        let file = GeneratedDICOM.ct(seed: 9)
        let header = try GeneratedDICOM.read(file)
        var shuffled = header.dataSet
        shuffled.elements.reverse()
        #expect(DICOMJSON.encode(header.dataSet) == DICOMJSON.encode(shuffled))
        let text = String(decoding: DICOMJSON.encode([header.dataSet, header.dataSet]), as: UTF8.self)
        #expect(text.hasPrefix(#"[{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00080008""#))
        #expect(Base64.encode(Array("Man".utf8)) == "TWFu" && Base64.encode([]) == "")
    }
}
