// The first line of a message: a request line (RFC 9112 §3) or a status line (RFC 9112 §4), parsed from one
// complete line without its CRLF. Owns start-line syntax only.

/// A start line the head reader can parse.
protocol HTTPStartLine: Sendable {
    /// Parses `line` (CRLF removed), which starts at `offset` in the message.
    static func parse(_ line: UnsafeRawBufferPointer, offset: Int) throws(HTTPParseError) -> Self
}

/// `method SP request-target SP HTTP-version`.
struct HTTPRequestLine: HTTPStartLine {
    /// The method token.
    var method: String
    /// The raw request-target.
    var target: String
    /// 0 or 1.
    var versionMinor: Int

    static func parse(_ line: UnsafeRawBufferPointer, offset: Int) throws(HTTPParseError) -> HTTPRequestLine {
        func malformed(_ what: String) -> HTTPParseError {
            HTTPParseError(.malformedStartLine, "request line at byte \(offset): \(what)", offset: offset)
        }
        guard let firstSpace = line.firstIndex(of: HTTPBytes.space) else {
            throw malformed("expected \"METHOD target HTTP/1.1\"")
        }
        let method = UnsafeRawBufferPointer(rebasing: line[..<firstSpace])
        guard !method.isEmpty, method.allSatisfy(HTTPFieldSyntax.isTokenByte) else {
            throw malformed("the method is not a token")
        }
        let rest = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)...])
        guard let secondSpace = rest.firstIndex(of: HTTPBytes.space) else {
            throw malformed("expected a target and an HTTP version after the method")
        }
        let target = UnsafeRawBufferPointer(rebasing: rest[..<secondSpace])
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw malformed("the target is empty or holds whitespace, control or non-ASCII bytes")
        }
        let version = UnsafeRawBufferPointer(rebasing: rest[(secondSpace + 1)...])
        let versionMinor = try HTTPVersionSyntax.minor(of: version, offset: offset, in: "request line")
        return HTTPRequestLine(
            method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
            versionMinor: versionMinor)
    }
}

/// `HTTP-version SP status-code SP [reason-phrase]`.
struct HTTPStatusLine: HTTPStartLine {
    /// 0 or 1.
    var versionMinor: Int
    /// Three digits.
    var status: Int
    /// The reason phrase, possibly empty.
    var reason: String

    static func parse(_ line: UnsafeRawBufferPointer, offset: Int) throws(HTTPParseError) -> HTTPStatusLine {
        guard let space = line.firstIndex(of: HTTPBytes.space) else {
            throw HTTPParseError(
                .malformedStartLine, "status line at byte \(offset): expected \"HTTP/1.1 200 OK\"", offset: offset)
        }
        let versionMinor = try HTTPVersionSyntax.minor(
            of: UnsafeRawBufferPointer(rebasing: line[..<space]), offset: offset, in: "status line")
        let rest = UnsafeRawBufferPointer(rebasing: line[(space + 1)...])
        let digits = rest.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            rest.count == 3 || rest[3] == HTTPBytes.space
        else {
            throw HTTPParseError(
                .malformedStartLine, "status line at byte \(offset): the status is not three digits", offset: offset)
        }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let reason =
            rest.count > 4 ? UnsafeRawBufferPointer(rebasing: rest[4...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        guard status >= 100, reason.allSatisfy(HTTPFieldSyntax.isFieldValueByte) else {
            throw HTTPParseError(
                .malformedStartLine, "status line at byte \(offset): status below 100 or control bytes in the reason",
                offset: offset)
        }
        return HTTPStatusLine(
            versionMinor: versionMinor, status: status, reason: String(decoding: reason, as: UTF8.self))
    }
}

/// `HTTP-version = "HTTP/" DIGIT "." DIGIT` (RFC 9112 §2.3).
enum HTTPVersionSyntax {
    /// The minor version of `version` when it is HTTP/1.0 or HTTP/1.1; another well-formed version is 505, anything
    /// else 400.
    static func minor(of version: UnsafeRawBufferPointer, offset: Int, in place: String) throws(HTTPParseError)
        -> Int
    {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard version.count == 8, version.prefix(5).elementsEqual(prefix), isDigit(version[5]),
            version[6] == UInt8(ascii: "."), isDigit(version[7])
        else {
            throw HTTPParseError(
                .malformedStartLine, "\(place) at byte \(offset): the HTTP version is not \"HTTP/1.1\" or \"HTTP/1.0\"",
                offset: offset)
        }
        guard version[5] == UInt8(ascii: "1"), version[7] == UInt8(ascii: "0") || version[7] == UInt8(ascii: "1")
        else {
            let text = String(decoding: version, as: UTF8.self)
            throw HTTPParseError(
                .unsupportedVersion, "\(place) at byte \(offset): \(text) is not supported, only HTTP/1.0 and 1.1",
                offset: offset)
        }
        return Int(version[7] - UInt8(ascii: "0"))
    }
}
