// Reading the DICOM JSON model (PS3.18 Annex F) the node answers with: QIDO-RS results and the STOW-RS response.
// Only what the client commands print or match on; the node's own encoder lives in the DICOM module.
import DICOM
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

    /// The values of attribute `tag`, empty when absent.
    func values(_ tag: DICOMTag) -> [Any] {
        guard let attribute = attributes[tag.hexString] as? [String: Any] else { return [] }
        return attribute["Value"] as? [Any] ?? []
    }

    /// The values of `tag` as text, person names by their alphabetic form, joined with "\".
    func string(_ tag: DICOMTag) -> String {
        values(tag).map { value -> String in
            if let name = value as? [String: Any] { return name["Alphabetic"] as? String ?? "" }
            if let number = value as? NSNumber { return number.stringValue }
            return value as? String ?? ""
        }.joined(separator: "\\")
    }

    /// The first value of `tag` as a whole number.
    func integer(_ tag: DICOMTag) -> Int? {
        guard let value = values(tag).first else { return nil }
        if let number = value as? NSNumber { return number.intValue }
        return (value as? String).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The items of the sequence `tag`.
    func items(_ tag: DICOMTag) -> [DICOMJSONDataSet] {
        values(tag).compactMap { ($0 as? [String: Any]).map(DICOMJSONDataSet.init) }
    }
}
