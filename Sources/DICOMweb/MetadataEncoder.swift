// Encodes a parsed header as the DICOM JSON object WADO-RS /metadata returns (PS3.18 Annex F): values by VR,
// person names, sequences, inline binary as base64, and values left in the stream as BulkDataURIs. The file meta
// group is left out, as it describes the file, not the instance.
import DICOM

/// DataSet → DICOM JSON text.
enum MetadataEncoder {
    /// The data set as one JSON object; `bulkDataURI` names where a value left in the stream is served (nil to
    /// leave the attribute without a value).
    static func encode(_ dataSet: DataSet, bulkDataURI: (BulkDataReference) -> String?) -> String {
        var text = ""
        append(dataSet, to: &text, bulkDataURI: bulkDataURI)
        return text
    }

    private static func append(_ dataSet: DataSet, to text: inout String, bulkDataURI: (BulkDataReference) -> String?) {
        text += "{"
        var isFirst = true
        for element in dataSet.sortedElements where element.tag.group != 0x0002 && !element.tag.isGroupLength {
            if !isFirst { text += "," }
            isFirst = false
            text += "\"" + element.tag.hexString.uppercased() + "\":{\"vr\":\"" + element.vr.rawValue + "\""
            switch element.value {
            case .sequence(let items):
                if !items.isEmpty {
                    text += ",\"Value\":["
                    for (index, item) in items.enumerated() {
                        if index > 0 { text += "," }
                        append(item, to: &text, bulkDataURI: bulkDataURI)
                    }
                    text += "]"
                }
            case .bulkData(let reference):
                if let uri = bulkDataURI(reference) {
                    text += ",\"BulkDataURI\":"
                    DICOMJSONObject.appendString(uri, to: &text)
                }
            case .bytes(let bytes):
                appendValue(element, bytes: bytes, in: dataSet, to: &text)
            }
            text += "}"
        }
        text += "}"
    }

    private static func appendValue(_ element: DataElement, bytes: [UInt8], in dataSet: DataSet, to text: inout String)
    {
        guard !bytes.isEmpty else { return }
        let vr = element.vr
        switch vr {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN:
            text += ",\"InlineBinary\":\"" + base64(bytes) + "\""
            return
        default: break
        }
        let values: [DICOMJSONValue]
        switch vr {
        case .US, .SS, .UL, .SL, .UV, .SV:
            values = dataSet.integers(element.tag).map { .number(String($0)) }
        case .FL, .FD:
            values = dataSet.doubles(element.tag).map { $0.isFinite ? .number("\($0)") : .string("\($0)") }
        case .AT:
            values = dataSet.attributeTags(element.tag).map { .string($0.hexString.uppercased()) }
        default:
            values = dataSet.strings(element.tag).map { DICOMJSONObject.value($0, vr: vr.rawValue) }
        }
        guard !values.isEmpty else { return }
        var object = DICOMJSONObject()
        object.set(element.tag.rawValue, vr: vr.rawValue, values)
        let encoded = object.encoded()
        // `{"GGGGEEEE":{"vr":"XX","Value":[…]}}` → `,"Value":[…]`: reuse the value encoding of DICOMJSONObject.
        if let start = encoded.firstRange(of: ",\"Value\":") {
            text += encoded[start.lowerBound..<encoded.index(encoded.endIndex, offsetBy: -2)]
        }
    }

    /// RFC 4648 §4 base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
