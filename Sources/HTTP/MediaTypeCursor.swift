// A cursor over the bytes of a media type or media range, shared by MediaType and MediaRange (RFC 9110 §5.6,
// §8.3.1, §12.5.1). Owns the lexing; callers decide what a parameter means.

/// Reads tokens, parameters and quoted strings from a header value.
struct MediaTypeCursor {
    private let bytes: [UInt8]
    private let text: String
    private var index = 0

    /// Makes a cursor at the start of `text`.
    init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// Whether only whitespace is left.
    var isAtEnd: Bool {
        var probe = index
        while probe < bytes.count, HTTPFieldSyntax.isWhitespace(bytes[probe]) { probe += 1 }
        return probe == bytes.count
    }

    /// An error naming `what` and the position in the value.
    func error(_ what: String) -> HTTPParseError {
        HTTPParseError(
            .malformedMediaType, "media type \(String(reflecting: text)) at character \(index): \(what)", offset: index)
    }

    /// Reads `type/subtype` and its parameters. With `stopAtQuality`, stops at a `q` parameter and returns it
    /// (per mille) with the accept-ext parameters after it dropped, as an Accept element wants (RFC 9110 §12.5.1).
    mutating func mediaType(stopAtQuality: Bool) throws(HTTPParseError) -> (mediaType: MediaType, quality: Int?) {
        skipWhitespace()
        let type = try token("type")
        guard consume(UInt8(ascii: "/")) else { throw error("expected \"/\" after the type") }
        let subtype = try token("subtype")
        var parameters: [(name: String, value: String)] = []
        var quality: Int?
        while true {
            skipWhitespace()
            guard consume(UInt8(ascii: ";")) else { break }
            skipWhitespace()
            if index == bytes.count || bytes[index] == UInt8(ascii: ";") || bytes[index] == UInt8(ascii: ",") {
                continue
            }
            let name = HTTPFieldSyntax.lowercased(try token("parameter name"))
            guard consume(UInt8(ascii: "=")) else { throw error("expected \"=\" after parameter \(name)") }
            let value = try parameterValue()
            if stopAtQuality && quality == nil && name == "q" {
                guard let perMille = Self.qualityPerMille(value) else { throw error("q=\(value) is not a qvalue") }
                quality = perMille
            } else if quality == nil {
                parameters.append((name: name, value: value))
            }
        }
        return (MediaType(type: type, subtype: subtype, parameters: parameters), quality)
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Skips SP and HTAB.
    mutating func skipWhitespace() {
        while index < bytes.count, HTTPFieldSyntax.isWhitespace(bytes[index]) { index += 1 }
    }

    /// Reads a non-empty token.
    private mutating func token(_ what: String) throws(HTTPParseError) -> String {
        let start = index
        while index < bytes.count, HTTPFieldSyntax.isTokenByte(bytes[index]) { index += 1 }
        guard index > start else { throw error("expected a \(what)") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Reads a quoted string (unescaped) or an unquoted value of token bytes and "/".
    private mutating func parameterValue() throws(HTTPParseError) -> String {
        guard consume(UInt8(ascii: "\"")) else {
            let start = index
            while index < bytes.count, HTTPFieldSyntax.isTokenByte(bytes[index]) || bytes[index] == UInt8(ascii: "/") {
                index += 1
            }
            guard index > start else { throw error("expected a parameter value") }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count, HTTPFieldSyntax.isFieldValueByte(bytes[index]) else {
                    throw error("a backslash at the end of a quoted string")
                }
                value.append(bytes[index])
                index += 1
            default:
                guard HTTPFieldSyntax.isFieldValueByte(byte) else { throw error("a control byte in a quoted string") }
                value.append(byte)
            }
        }
        throw error("a quoted string without its closing quote")
    }

    /// The per-mille value of a qvalue, `0[.ddd]` or `1[.000]` (RFC 9110 §12.4.2), or nil.
    static func qualityPerMille(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var fraction = 0
        if bytes.count > 1 {
            guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
            for (position, digit) in bytes[2...].enumerated() {
                guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return nil }
                fraction += Int(digit - UInt8(ascii: "0")) * [100, 10, 1][position]
            }
        }
        let value = Int(first - UInt8(ascii: "0")) * 1000 + fraction
        return value <= 1000 ? value : nil
    }
}
