// One `field-name ":" OWS field-value OWS` line (RFC 9112 §5), shared by request and response heads, chunked
// trailers and multipart part heads. Owns field-line syntax only.

/// Parses a field line.
enum HTTPFieldLine {
    /// Parses `line` (CRLF removed) starting at `offset`; `place` names it in errors ("header field").
    static func parse(_ line: UnsafeRawBufferPointer, offset: Int, place: String) throws(HTTPParseError)
        -> HTTPHeaders.Field
    {
        if let first = line.first, HTTPFieldSyntax.isWhitespace(first) {
            throw HTTPParseError(
                .obsoleteLineFolding, "\(place) at byte \(offset) starts with whitespace (obsolete line folding)",
                offset: offset)
        }
        guard let colon = line.firstIndex(of: HTTPBytes.colon) else {
            throw HTTPParseError(.malformedHeaderField, "\(place) at byte \(offset) has no colon", offset: offset)
        }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty else {
            throw HTTPParseError(.malformedHeaderField, "\(place) at byte \(offset) has an empty name", offset: offset)
        }
        if let last = name.last, HTTPFieldSyntax.isWhitespace(last) {
            throw HTTPParseError(
                .malformedHeaderField, "\(place) at byte \(offset) has whitespace before its colon (RFC 9112 §5.1)",
                offset: offset)
        }
        guard name.allSatisfy(HTTPFieldSyntax.isTokenByte) else {
            throw HTTPParseError(
                .malformedHeaderField, "\(place) at byte \(offset) has a name that is not a token", offset: offset)
        }
        var start = colon + 1
        var end = line.count
        while start < end, HTTPFieldSyntax.isWhitespace(line[start]) { start += 1 }
        while end > start, HTTPFieldSyntax.isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
        if let bad = value.firstIndex(where: { !HTTPFieldSyntax.isFieldValueByte($0) }) {
            throw HTTPParseError(
                .malformedHeaderField,
                "\(place) \(String(decoding: name, as: UTF8.self)) at byte \(offset) has control byte "
                    + "0x\(String(value[bad], radix: 16)) in its value",
                offset: offset)
        }
        return (name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }
}
