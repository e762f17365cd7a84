// Reading the DICOM JSON model (PS3.18 Annex F) the node answers with: QIDO-RS results and the STOW-RS response.
// Only what the client commands print or match on; the node's own encoder lives in the DICOM module.
import Foundation

/// One DICOM data set in the JSON model: attributes keyed by 8 hexadecimal digits, "0020000D".
struct DICOMJSONDataSet {
    /// The attributes as JSONSerialization decoded them.
    let attributes: [String: Any]

    /// Parses a JSON array of data sets (a QIDO-RS answer); `what` names the answer in errors.
    static func list(from bytes: [UInt8], what: String) throws -> [DICOMJSONDataSet] {
        if bytes.isEmpty { return [] }  // 204 No Content: nothing matched
        guard let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [Any] else {
            throw ClientError("\(what) is not a JSON array of DICOM data sets")
        }
        return try array.map { item in
            guard let object = item as? [String: Any] else { throw ClientError("\(what) holds a non-object item") }
            return DICOMJSONDataSet(attributes: object)
        }
    }

    /// Parses one data set (a STOW-RS answer).
    static func single(from bytes: [UInt8], what: String) throws -> DICOMJSONDataSet {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw ClientError("\(what) is not a DICOM JSON data set")
        }
        return DICOMJSONDataSet(attributes: object)
    }

    /// The values of attribute `tag` (0xGGGGEEEE), empty when absent.
    func values(_ tag: UInt32) -> [Any] {
        let key = String(tag, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 8 - key.count)) + key
        guard let attribute = attributes[padded] as? [String: Any] else { return [] }
        return attribute["Value"] as? [Any] ?? []
    }

    /// The values of `tag` as text, person names by their alphabetic form, joined with "\".
    func string(_ tag: UInt32) -> String {
        values(tag).map { value -> String in
            if let name = value as? [String: Any] { return name["Alphabetic"] as? String ?? "" }
            if let number = value as? NSNumber { return number.stringValue }
            return value as? String ?? ""
        }.joined(separator: "\\")
    }

    /// The first value of `tag` as a whole number.
    func integer(_ tag: UInt32) -> Int? {
        guard let value = values(tag).first else { return nil }
        if let number = value as? NSNumber { return number.intValue }
        return (value as? String).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The items of the sequence `tag`.
    func items(_ tag: UInt32) -> [DICOMJSONDataSet] {
        values(tag).compactMap { ($0 as? [String: Any]).map(DICOMJSONDataSet.init) }
    }
}

/// Attribute tags the client commands read (PS3.6).
enum Tag {
    static let sopClassUID: UInt32 = 0x0008_0016
    static let sopInstanceUID: UInt32 = 0x0008_0018
    static let studyDate: UInt32 = 0x0008_0020
    static let accessionNumber: UInt32 = 0x0008_0050
    static let modality: UInt32 = 0x0008_0060
    static let modalitiesInStudy: UInt32 = 0x0008_0061
    static let studyDescription: UInt32 = 0x0008_1030
    static let seriesDescription: UInt32 = 0x0008_103E
    static let failureReason: UInt32 = 0x0008_1197
    static let failedSOPSequence: UInt32 = 0x0008_1198
    static let referencedSOPSequence: UInt32 = 0x0008_1199
    static let referencedSOPInstanceUID: UInt32 = 0x0008_1155
    static let warningReason: UInt32 = 0x0008_1196
    static let patientName: UInt32 = 0x0010_0010
    static let patientID: UInt32 = 0x0010_0020
    static let studyInstanceUID: UInt32 = 0x0020_000D
    static let seriesInstanceUID: UInt32 = 0x0020_000E
    static let seriesNumber: UInt32 = 0x0020_0011
    static let instanceNumber: UInt32 = 0x0020_0013
    static let numberOfStudyRelatedSeries: UInt32 = 0x0020_1206
    static let numberOfStudyRelatedInstances: UInt32 = 0x0020_1208
    static let numberOfSeriesRelatedInstances: UInt32 = 0x0020_1209
}
