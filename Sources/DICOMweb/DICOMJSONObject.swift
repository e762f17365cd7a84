// Builds the DICOM JSON objects DICOMweb answers with (PS3.18 Annex F): STOW-RS responses and QIDO-RS results.
// Owns the value encoding per VR; the JSON text (and its escaping) is DICOM's JSONWriter, which also writes the
// stored instance metadata.
import DICOM

/// A value of a DICOM JSON attribute.
public enum DICOMJSONValue: Sendable, Equatable {
    /// A string value (UI, LO, SH, CS, DA, TM, UR, …).
    case string(String)
    /// A number already in JSON number syntax (IS, DS, US, UL, …).
    case number(String)
    /// A person name, encoded as its Alphabetic component group (PS3.18 §F.2.2).
    case personName(String)
    /// A sequence item.
    case item(DICOMJSONObject)
}

/// One data set in DICOM JSON form: attributes kept in tag order, as PS3.18 §F.2 requires.
public struct DICOMJSONObject: Sendable, Equatable {
    /// The attributes by tag, each with its VR and values.
    public private(set) var attributes: [UInt32: (vr: String, values: [DICOMJSONValue])] = [:]

    /// Attributes copied verbatim from a stored DICOM JSON object (includefield), by tag; a structured attribute of
    /// the same tag wins.
    public private(set) var rawAttributes: [UInt32: [UInt8]] = [:]

    /// Makes an empty object.
    public init() {}

    /// Sets `tag` to `json`, the attribute's whole value object as stored (`{"vr":…,"Value":[…]}`).
    public mutating func setRaw(_ tag: UInt32, json: [UInt8]) {
        rawAttributes[tag] = json
    }

    /// Sets `tag` to `values` of `vr`; an empty list encodes as an attribute without "Value" (zero length).
    public mutating func set(_ tag: UInt32, vr: String, _ values: [DICOMJSONValue]) {
        attributes[tag] = (vr, values)
    }

    /// Sets `tag` from DICOM string `text` as a catalog holds it: backslash-separated values converted per `vr`.
    public mutating func set(_ tag: UInt32, vr: String, dicomString text: String) {
        let parts = text.isEmpty ? [] : text.split(separator: "\\", omittingEmptySubsequences: false).map(String.init)
        set(tag, vr: vr, parts.map { Self.value($0, vr: vr) })
    }

    /// The JSON value of one DICOM string value of `vr`; a number that is not valid JSON stays a string.
    static func value(_ text: String, vr: String) -> DICOMJSONValue {
        let trimmed = String(Substring(text).trimmingSpaces)
        switch vr {
        case "PN": return .personName(text)
        case "IS", "DS", "US", "UL", "SS", "SL", "FL", "FD", "UV", "SV":
            if let number = Double(trimmed), number.isFinite, !trimmed.hasPrefix("+"), !trimmed.hasPrefix(".") {
                return .number(vr == "DS" || vr == "FL" || vr == "FD" ? trimmed : String(Int64(number)))
            }
            return .string(trimmed)
        default: return .string(text)
        }
    }

    /// The object as JSON text.
    public func encoded() -> String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the object as one JSON value: keys are tags as `GGGGEEEE` (PS3.18 §F.2.1.1), in tag order.
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        for tag in Set(attributes.keys).union(rawAttributes.keys).sorted() {
            guard let (vr, values) = attributes[tag] else {
                writer.key(DICOMTag(tag).hexString)
                writer.raw(rawAttributes[tag] ?? Array("{}".utf8))
                continue
            }
            writer.key(DICOMTag(tag).hexString)
            writer.beginObject()
            writer.key("vr")
            writer.string(vr)
            if !values.isEmpty {
                writer.key("Value")
                writer.beginArray()
                for value in values {
                    switch value {
                    case .string(let string): writer.string(string)
                    case .number(let number): writer.number(text: number)
                    case .personName(let name):
                        writer.beginObject()
                        writer.key("Alphabetic")
                        writer.string(name)
                        writer.endObject()
                    case .item(let item): item.write(to: &writer)
                    }
                }
                writer.endArray()
            }
            writer.endObject()
        }
        writer.endObject()
    }
}

extension DICOMJSONObject {
    /// Two objects are equal when they encode to the same text.
    public static func == (lhs: DICOMJSONObject, rhs: DICOMJSONObject) -> Bool { lhs.encoded() == rhs.encoded() }
}
