// Builds the DICOM JSON objects DICOMweb answers with (PS3.18 Annex F): STOW-RS responses and QIDO-RS results.
// Owns the value encoding per VR and JSON string escaping; stored instance metadata comes ready-made from DICOM.

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

    /// Makes an empty object.
    public init() {}

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
        var text = ""
        append(to: &text)
        return text
    }

    /// Appends the object as JSON text to `text`.
    func append(to text: inout String) {
        text += "{"
        for (index, tag) in attributes.keys.sorted().enumerated() {
            let (vr, values) = attributes[tag]!
            if index > 0 { text += "," }
            text += "\"" + Self.tagKey(tag) + "\":{\"vr\":\"" + vr + "\""
            if !values.isEmpty {
                text += ",\"Value\":["
                for (position, value) in values.enumerated() {
                    if position > 0 { text += "," }
                    switch value {
                    case .string(let string): Self.appendString(string, to: &text)
                    case .number(let number): text += number
                    case .personName(let name):
                        text += "{\"Alphabetic\":"
                        Self.appendString(name, to: &text)
                        text += "}"
                    case .item(let item): item.append(to: &text)
                    }
                }
                text += "]"
            }
            text += "}"
        }
        text += "}"
    }

    /// `GGGGEEEE` in uppercase hexadecimal, the key form of PS3.18 §F.2.1.1.
    public static func tagKey(_ tag: UInt32) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var key: [UInt8] = []
        for shift in stride(from: 28, through: 0, by: -4) { key.append(digits[Int((tag >> UInt32(shift)) & 0xF)]) }
        return String(decoding: key, as: UTF8.self)
    }

    /// Appends `string` as a JSON string literal (RFC 8259 §7).
    static func appendString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let digits = Array("0123456789abcdef")
                text += "\\u00" + String(digits[Int(scalar.value >> 4)]) + String(digits[Int(scalar.value & 0xF)])
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

extension DICOMJSONObject {
    /// Two objects are equal when they encode to the same text.
    public static func == (lhs: DICOMJSONObject, rhs: DICOMJSONObject) -> Bool { lhs.encoded() == rhs.encoded() }
}
