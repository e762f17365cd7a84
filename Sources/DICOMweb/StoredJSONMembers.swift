// The top-level members of a stored DICOM JSON object (the header the catalog keeps for each instance), as raw JSON
// text: what QIDO-RS includefield copies into a result for attributes the catalog does not index. A scanner, not a
// parser: the text is this node's own JSONWriter output, and anything unexpected ends the scan with what was found.

/// Reads the members of a stored DICOM JSON object.
enum StoredJSONMembers {
    /// Each top-level member whose key is a tag (`GGGGEEEE`) with its value's JSON text, in order.
    static func members(of json: [UInt8]) -> [(tag: UInt32, value: ArraySlice<UInt8>)] {
        var members: [(tag: UInt32, value: ArraySlice<UInt8>)] = []
        var index = skipSpaces(json, 0)
        guard index < json.count, json[index] == UInt8(ascii: "{") else { return [] }
        index += 1
        while true {
            index = skipSpaces(json, index)
            guard index < json.count, json[index] == UInt8(ascii: "\"") else { return members }
            guard let keyEnd = stringEnd(json, index) else { return members }
            let key = String(decoding: json[(index + 1)..<(keyEnd - 1)], as: UTF8.self)
            index = skipSpaces(json, keyEnd)
            guard index < json.count, json[index] == UInt8(ascii: ":") else { return members }
            let valueStart = skipSpaces(json, index + 1)
            guard let valueEnd = valueEnd(json, valueStart) else { return members }
            if key.utf8.count == 8, let tag = UInt32(key, radix: 16) {
                members.append((tag, json[valueStart..<valueEnd]))
            }
            index = skipSpaces(json, valueEnd)
            guard index < json.count, json[index] == UInt8(ascii: ",") else { return members }
            index += 1
        }
    }

    private static func skipSpaces(_ json: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < json.count, [0x20, 0x09, 0x0A, 0x0D].contains(json[index]) { index += 1 }
        return index
    }

    /// The index after the closing quote of the string starting at `start`.
    private static func stringEnd(_ json: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// The index after the value starting at `start`: an object or array matched bracket for bracket (strings
    /// skipped), a string, or a bare word or number up to the next delimiter.
    private static func valueEnd(_ json: [UInt8], _ start: Int) -> Int? {
        guard start < json.count else { return nil }
        switch json[start] {
        case UInt8(ascii: "\""): return stringEnd(json, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < json.count {
                switch json[index] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(json, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < json.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(json[index]) {
                index += 1
            }
            return index
        }
    }
}
