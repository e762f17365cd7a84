// The byte-level grammar shared by every HTTP codec here: tokens, field values, lists and quoted strings
// (RFC 9110 §5.5, §5.6). Owns classification only; the parsers decide what an invalid byte means.

/// Character classes and small lexers of RFC 9110 §5.6.
enum HTTPFieldSyntax {
    /// Whether `byte` is a tchar, a byte allowed in a token such as a method or a field name (RFC 9110 §5.6.2).
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Whether `byte` may appear inside a field value: VCHAR, obs-text, SP or HTAB (RFC 9110 §5.5).
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == 0x09
    }

    /// Whether `byte` is optional whitespace (SP or HTAB).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// The ASCII lowercase of `byte`; other bytes unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether `text` is a non-empty token.
    static func isToken(_ text: String) -> Bool {
        !text.utf8.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// Whether `text` can be sent as a field value: no CR, LF, NUL or other control byte, and no leading or
    /// trailing whitespace (which a receiver would strip). This is what stops header injection.
    static func isValidFieldValue(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.allSatisfy(isFieldValueByte) else { return false }
        if let first = bytes.first, isWhitespace(first) { return false }
        if let last = bytes.last, isWhitespace(last) { return false }
        return true
    }

    /// ASCII lowercase of a whole string, leaving other characters alone.
    static func lowercased(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return text }
        return String(decoding: text.utf8.map { lowercased($0) }, as: UTF8.self)
    }

    /// Whether two strings are equal ignoring ASCII case.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool { HTTPHeaders.namesEqual(lhs, rhs) }

    /// `text` without leading and trailing SP and HTAB.
    static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.utf8.first, isWhitespace(first) { result = result.dropFirst() }
        while let last = result.utf8.last, isWhitespace(last) { result = result.dropLast() }
        return result
    }

    /// Splits a comma-separated list (RFC 9110 §5.6.1), keeping commas inside quoted strings, trimming elements
    /// and dropping empty ones.
    static func splitList(_ text: String) -> [String] {
        var elements: [String] = []
        var start = text.startIndex
        var inQuotes = false
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if inQuotes && character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == "," && !inQuotes {
                let element = trimmed(text[start..<index])
                if !element.isEmpty { elements.append(String(element)) }
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        let element = trimmed(text[start...])
        if !element.isEmpty { elements.append(String(element)) }
        return elements
    }
}
