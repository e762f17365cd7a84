// Goal: typed accessors decode text, numbers, person names and character sets as PS3.5 says, and never trap on a
// malformed value. Method: build elements from bytes and read them back.
import DICOM
import Samples
import Testing

@Suite struct DataSetValueTests {
    @Test("text is trimmed, multi-values split at backslash, LT keeps leading spaces")
    func text() {
        let dataSet = DataSet([
            DataElement(tag: .modalitiesInStudy, vr: .CS, value: .bytes(Array("CT\\MR ".utf8))),
            DataElement(tag: .sopInstanceUID, vr: .UI, value: .bytes(Array("1.2.3\0".utf8))),
            DataElement(tag: .studyDescription, vr: .LO, value: .bytes(Array("  Chest ".utf8))),
            DataElement(tag: DICOMTag(0x0020_4000), vr: .LT, value: .bytes(Array("  a\\b ".utf8))),
        ])
        #expect(dataSet.string(.modalitiesInStudy) == "CT\\MR")
        #expect(dataSet.strings(.modalitiesInStudy) == ["CT", "MR"])
        #expect(dataSet.string(.sopInstanceUID) == "1.2.3")
        #expect(dataSet.string(.studyDescription) == "Chest")
        #expect(dataSet.string(DICOMTag(0x0020_4000)) == "  a\\b")
        #expect(dataSet.strings(DICOMTag(0x0020_4000)) == ["  a\\b"])
        #expect(dataSet.string(.patientID) == nil)
    }

    @Test("numbers come from binary VRs and from IS/DS text; malformed text gives nil, never a trap")
    func numbers() {
        let dataSet = DataSet([
            DataElement(tag: .rows, vr: .US, integers: [UInt16(512)]),
            DataElement(tag: .pixelPaddingValue, vr: .SS, integers: [Int16(-2000)]),
            DataElement(tag: .instanceNumber, vr: .IS, text: " +12 "),
            DataElement(tag: .sliceThickness, vr: .DS, text: "1.25\\-3e2"),
            DataElement(tag: .seriesNumber, vr: .IS, text: "twelve"),
            DataElement(tag: DICOMTag(0x0018_9345), vr: .FD, value: .bytes(GeneratedDoubles.bytes([2.5]))),
        ])
        #expect(dataSet.integer(.rows) == 512)
        #expect(dataSet.integer(.pixelPaddingValue) == -2000)
        #expect(dataSet.integer(.instanceNumber) == 12)
        #expect(dataSet.doubles(.sliceThickness) == [1.25, -300])
        #expect(dataSet.integer(.seriesNumber) == nil)
        #expect(dataSet.double(DICOMTag(0x0018_9345)) == 2.5)
    }

    @Test("person names split into alphabetic, ideographic and phonetic groups")
    func personNames() {
        let dataSet = DataSet(
            [
                DataElement(tag: .patientName, vr: .PN, text: "Yamada^Tarou=山田^太郎=やまだ^たろう\\Doe^John")
            ], characterSet: .utf8)
        let names = dataSet.personNames(.patientName)
        #expect(names.count == 2)
        #expect(names[0].alphabetic == "Yamada^Tarou")
        #expect(names[0].ideographic == "山田^太郎")
        #expect(names[0].phonetic == "やまだ^たろう")
        #expect(names[1] == PersonName(alphabetic: "Doe^John"))
        #expect(names[1].familyName == "Doe" && names[1].givenName == "John")
    }

    @Test("ISO_IR 100 decodes as Latin-1, ISO_IR 192 as UTF-8, unknown sets as Latin-1 without failing")
    func characterSets() {
        let latin = [UInt8]([0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])  // "Müller" in ISO 8859-1
        #expect(SpecificCharacterSet(term: "ISO_IR 100") == .latin1)
        #expect(SpecificCharacterSet(term: "ISO_IR 192") == .utf8)
        #expect(SpecificCharacterSet(term: "") == .default)
        #expect(SpecificCharacterSet(term: "\\ISO 2022 IR 87") == .default)
        #expect(SpecificCharacterSet(term: "GB18030") == .other("GB18030"))
        let element = DataElement(tag: .patientName, vr: .PN, value: .bytes(latin))
        #expect(DataSet([element], characterSet: .latin1).string(.patientName) == "Müller")
        #expect(DataSet([element], characterSet: .other("ISO_IR 144")).string(.patientName) == "Müller")
        let utf8 = DataElement(tag: .patientName, vr: .PN, value: .bytes(Array("Müller".utf8)))
        #expect(DataSet([utf8], characterSet: .utf8).string(.patientName) == "Müller")
        // Invalid UTF-8 is repaired, not fatal.
        #expect(DataSet([element], characterSet: .utf8).string(.patientName)?.isEmpty == false)
    }

    @Test("the dictionary names tags, and falls back to UL, LO and UN as PS3.5 says")
    func dictionary() {
        #expect(DataDictionary.keyword(for: .patientName) == "PatientName")
        #expect(DataDictionary.tag(forKeyword: "FailedSOPSequence") == DICOMTag(0x0008_1198))
        #expect(DataDictionary.entry(for: .referencedSOPSequence)?.vr == .SQ)
        #expect(DataDictionary.vr(for: DICOMTag(0x0011_0010)) == .LO)
        #expect(DataDictionary.vr(for: DICOMTag(0x0011_1010)) == .UN)
        #expect(DataDictionary.vr(for: DICOMTag(0x0018_0000)) == .UL)
        #expect(DataDictionary.describe(.pixelData) == "(7FE0,0010) PixelData")
        #expect(DICOMTag(hexString: "7fe00010") == .pixelData)
        #expect(DICOMTag.pixelData.hexString == "7FE00010")
    }
}

/// Little-endian bytes of doubles, for FD values.
enum GeneratedDoubles {
    static func bytes(_ values: [Double]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }
}

@Suite struct ValueStringTests {
    @Test("valueString gives the catalog's string form for text, binary numbers and tags")
    func valueStrings() throws {
        let dataSet = DataSet([
            DataElement(tag: .rows, vr: .US, integers: [UInt16(512)]),
            DataElement(tag: DICOMTag(0x0018_1310), vr: .US, integers: [UInt16(0), 256]),
            DataElement(tag: .modalitiesInStudy, vr: .CS, text: "CT\\MR"),
            DataElement(tag: DICOMTag(0x0020_9165), vr: .AT, integers: [UInt16(0x7FE0), 0x0010]),
            DataElement(tag: .referencedSOPSequence, items: []),
        ])
        #expect(dataSet.valueString(.rows) == "512")
        #expect(dataSet.valueString(DICOMTag(0x0018_1310)) == "0\\256")
        #expect(dataSet.valueString(.modalitiesInStudy) == "CT\\MR")
        #expect(dataSet.valueString(DICOMTag(0x0020_9165)) == "7FE00010")
        #expect(dataSet.valueString(.referencedSOPSequence) == nil)
        let file = SyntheticInstance(seed: 2).part10()
        let header = try file.withUnsafeBytes { bytes throws(DICOMParseError) in try Part10Reader.read(bytes) }
        #expect(header.dataSet.valueString(.columns) == "64")
    }
}
