// TEMPORARY: stands in for the DICOM module's types until its branch lands; deleted at the merge.

struct DICOMParseError: Error, CustomStringConvertible {
    enum Code { case notDICOM, truncated, unsupportedTransferSyntax }
    let code: Code
    let message: String
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    var description: String { message }
}

struct DICOMTag {
    let rawValue: UInt32
    init?(hexString: String) {
        guard let value = UInt32(hexString, radix: 16) else { return nil }
        rawValue = value
    }
}

enum DataDictionary {
    static let keywords: [String: UInt32] = [
        "PatientID": 0x0010_0020, "PatientName": 0x0010_0010, "StudyDate": 0x0008_0020, "Modality": 0x0008_0060,
        "StudyInstanceUID": 0x0020_000D, "SeriesInstanceUID": 0x0020_000E, "SOPInstanceUID": 0x0008_0018,
        "StudyDescription": 0x0008_1030, "InstanceNumber": 0x0020_0013, "BitsAllocated": 0x0028_0100,
        "ModalitiesInStudy": 0x0008_0061,
        "SeriesNumber": 0x0020_0011, "AccessionNumber": 0x0008_0050, "IssuerOfPatientID": 0x0010_0021,
    ]
    static func tag(forKeyword keyword: String) -> DICOMTag? {
        keywords[keyword].map { DICOMTag(hexString: String($0, radix: 16))! }
    }
}
