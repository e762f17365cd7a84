// The attributes of an instance's stored DICOM JSON header, by tag, with their "Value" entries as text: what the
// frame and rendering code read (Rows, Bits Allocated, Window Center…) without parsing the whole document. Strings
// come unescaped; numbers as their JSON text; person names and nested objects are not read. Pure.

/// One instance's stored header, member by member.
struct HeaderMembers {
    /// The most entries read from one "Value" array: far more than any attribute rendering reads has.
    static let valueCountMax = 64

    private let members: [UInt32: ArraySlice<UInt8>]

    init(json: [UInt8]) {
        var members: [UInt32: ArraySlice<UInt8>] = [:]
        for member in StoredJSONMembers.members(of: json) { members[member.tag] = member.value }
        self.members = members
    }

    /// The member's JSON object (`{"vr":"US","Value":[512]}`), if the instance has the attribute.
    subscript(tag: UInt32) -> ArraySlice<UInt8>? { members[tag] }

    /// The entries of the member's "Value" array as text: `["MONOCHROME2"]`, `["40", "400"]`; empty when absent.
    func values(_ tag: UInt32) -> [String] {
        guard let member = members[tag] else { return [] }
        return Self.values(of: member)
    }

    /// The first entry as an integer.
    func integer(_ tag: UInt32) -> Int? { values(tag).first.flatMap { Int($0) } }

    /// Every entry as a number, or nil if any is not one.
    func numbers(_ tag: UInt32) -> [Double]? {
        let texts = values(tag)
        let numbers = texts.compactMap { Double($0) }
        return numbers.count == texts.count ? numbers : nil
    }

    /// The texts of the "Value" array in `member`.
    static func values(of member: ArraySlice<UInt8>) -> [String] {
        guard let key = member.firstRange(of: Array(#""Value":["#.utf8)) else { return [] }
        var values: [String] = []
        var at = key.upperBound
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        while at < member.endIndex, values.count < valueCountMax {
            while at < member.endIndex, member[at] == UInt8(ascii: " ") || member[at] == UInt8(ascii: ",") {
                at += 1
            }
            guard at < member.endIndex, member[at] != UInt8(ascii: "]"), member[at] != UInt8(ascii: "{") else {
                break
            }
            if member[at] == quote {
                var text: [UInt8] = []
                at += 1
                while at < member.endIndex, member[at] != quote {
                    if member[at] == backslash, at + 1 < member.endIndex { at += 1 }
                    text.append(member[at])
                    at += 1
                }
                at += 1
                values.append(String(decoding: text, as: UTF8.self))
            } else {
                let start = at
                while at < member.endIndex, member[at] != UInt8(ascii: ","), member[at] != UInt8(ascii: "]") {
                    at += 1
                }
                values.append(String(decoding: member[start..<at], as: UTF8.self))
            }
        }
        return values
    }
}
