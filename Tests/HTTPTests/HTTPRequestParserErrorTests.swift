// Goal: every malformed or oversized request is refused with the status RFC 9110/9112 give it and a reason, at the
// same point whatever the split. Method: a table of hostile requests run through every cut, plus the 1 MiB header
// line fed in small pieces to show it is refused after a bounded number of bytes.
import Fuzzing
import HTTP
import Testing

/// Small limits so every limit is easy to reach.
let smallLimits = HTTPLimits(
    requestLineBytesMax: 64, headerLineBytesMax: 48, headerBytesMax: 160, headerCountMax: 4, bodyBytesMax: 100,
    chunkLineBytesMax: 16, trailerBytesMax: 32)

/// One hostile request and what it must give.
struct HostileRequest: CustomTestStringConvertible, Sendable {
    let name: String
    let text: String
    let code: HTTPParseError.Code
    let status: Int
    var testDescription: String { name }
}

let hostileRequests: [HostileRequest] = [
    .init(name: "no version", text: "GET /\r\n\r\n", code: .malformedStartLine, status: 400),
    .init(name: "two spaces", text: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", code: .malformedStartLine, status: 400),
    .init(
        name: "method not a token", text: "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", code: .malformedStartLine, status: 400),
    .init(name: "control byte in target", text: "GET /\u{7}x HTTP/1.1\r\n\r\n", code: .malformedStartLine, status: 400),
    .init(name: "lowercase version", text: "GET / http/1.1\r\nHost: a\r\n\r\n", code: .malformedStartLine, status: 400),
    .init(name: "trailing bytes", text: "GET / HTTP/1.1 x\r\nHost: a\r\n\r\n", code: .malformedStartLine, status: 400),
    .init(name: "HTTP/2.0", text: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", code: .unsupportedVersion, status: 505),
    .init(name: "HTTP/1.2", text: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", code: .unsupportedVersion, status: 505),
    .init(name: "bare LF", text: "GET / HTTP/1.1\nHost: a\r\n\r\n", code: .malformedHeaderField, status: 400),
    .init(
        name: "request line too long", text: "GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\n\r\n",
        code: .startLineTooLong, status: 414),
    .init(
        name: "header line too long", text: "GET / HTTP/1.1\r\nX: " + String(repeating: "v", count: 60) + "\r\n\r\n",
        code: .headerLineTooLong, status: 431),
    .init(
        name: "head too large",
        text: "GET / HTTP/1.1\r\n" + String(repeating: "X-Long: 0123456789abcdef0123456789abcd\r\n", count: 4),
        code: .headerBytesTooMany, status: 431),
    .init(
        name: "too many fields", text: "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
        code: .headerCountTooMany, status: 431),
    .init(
        name: "obs-fold", text: "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  2\r\n\r\n", code: .obsoleteLineFolding,
        status: 400),
    .init(
        name: "space before colon", text: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", code: .malformedHeaderField, status: 400
    ),
    .init(name: "no colon", text: "GET / HTTP/1.1\r\nHost a\r\n\r\n", code: .malformedHeaderField, status: 400),
    .init(name: "empty name", text: "GET / HTTP/1.1\r\n: a\r\n\r\n", code: .malformedHeaderField, status: 400),
    .init(
        name: "NUL in value", text: "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", code: .malformedHeaderField,
        status: 400),
    .init(name: "CR in value", text: "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", code: .malformedHeaderField, status: 400),
    .init(name: "missing Host", text: "GET / HTTP/1.1\r\nX: 1\r\n\r\n", code: .invalidHost, status: 400),
    .init(name: "two Hosts", text: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", code: .invalidHost, status: 400),
    .init(
        name: "two Authorization fields",
        text: "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: x\r\nAuthorization: y\r\n\r\n",
        code: .repeatedField, status: 400),
    .init(
        name: "two Content-Type fields",
        text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Type: a/b\r\ncontent-type: a/b\r\n\r\n",
        code: .repeatedField, status: 400),
    .init(
        name: "two equal Content-Length fields",
        text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        code: .repeatedField, status: 400),
    .init(
        name: "two Hosts in HTTP/1.0", text: "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", code: .repeatedField,
        status: 400),
    .init(
        name: "Content-Length not digits", text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
        code: .invalidContentLength, status: 400),
    .init(
        name: "Content-Length values differ",
        text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        code: .invalidContentLength, status: 400),
    .init(
        name: "Content-Length list differs", text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n",
        code: .invalidContentLength, status: 400),
    .init(
        name: "Content-Length overflows",
        text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
        code: .invalidContentLength, status: 400),
    .init(
        name: "Content-Length above the body limit", text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n",
        code: .bodyTooLarge, status: 413),
    .init(
        name: "TE and CL",
        text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        code: .conflictingFraming, status: 400),
    .init(
        name: "gzip coding", text: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        code: .unsupportedTransferCoding, status: 501),
    .init(
        name: "coding without a name (found by FuzzHTTPRequest)",
        text: "PORT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:;,a``n :cghunedue\r\n\r\n",
        code: .invalidTransferEncoding, status: 400),
    .init(
        name: "parameters without a coding", text: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ;q=1\r\n\r\n",
        code: .invalidTransferEncoding, status: 400),
    .init(
        name: "chunked twice", text: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        code: .invalidTransferEncoding, status: 400),
    .init(
        name: "TE in HTTP/1.0", text: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        code: .invalidTransferEncoding, status: 400),
    .init(name: "chunk size not hex", text: chunkedRequest("zz\r\n"), code: .malformedChunk, status: 400),
    .init(name: "chunk size empty", text: chunkedRequest(";ext\r\n"), code: .malformedChunk, status: 400),
    .init(name: "chunk size with junk", text: chunkedRequest("5 x\r\nhello\r\n"), code: .malformedChunk, status: 400),
    .init(name: "chunk without CRLF", text: chunkedRequest("3\r\nabcX\r\n"), code: .malformedChunk, status: 400),
    .init(
        name: "chunk line too long", text: chunkedRequest("3;" + String(repeating: "e", count: 20) + "\r\n"),
        code: .chunkLineTooLong, status: 400),
    .init(name: "chunk above the body limit", text: chunkedRequest("65\r\n"), code: .bodyTooLarge, status: 413),
    .init(
        name: "chunks above the body limit",
        text: chunkedRequest("40\r\n" + String(repeating: "x", count: 64) + "\r\n40\r\n"),
        code: .bodyTooLarge, status: 413),
    .init(name: "chunk size overflow", text: chunkedRequest("0000fffffffff\r\n"), code: .bodyTooLarge, status: 413),
    .init(
        name: "trailer too large", text: chunkedRequest("0\r\nX: " + String(repeating: "t", count: 40) + "\r\n\r\n"),
        code: .trailerBytesTooMany, status: 431),
    .init(
        name: "malformed trailer", text: chunkedRequest("0\r\nno colon\r\n\r\n"), code: .malformedHeaderField,
        status: 400),
]

/// A chunked POST whose body is `chunks`.
func chunkedRequest(_ chunks: String) -> String {
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
}

@Suite struct HTTPRequestParserErrorTests {
    @Test("each hostile request gives its status and a reason, whatever the split", arguments: hostileRequests)
    func hostile(_ request: HostileRequest) throws {
        let entries = requestTranscript(request.text, limits: smallLimits)
        #expect(errorCode(entries) == request.code)
        var parser = HTTPRequestParser(limits: smallLimits)
        let bytes = Array(request.text.utf8)
        let error = try #require(throws: HTTPParseError.self) {
            _ = try bytes.withUnsafeBytes { try parser.parse($0) { _ in } }
        }
        #expect(error.status == request.status)
        #expect(!error.reason.isEmpty)
    }

    @Test("a repeated singleton field is refused naming the field, never resolved as first or last wins")
    func repeatedFieldNamed() throws {
        for name in ["Authorization", "Content-Type", "Content-Length"] {
            var parser = HTTPRequestParser(limits: HTTPLimits())
            let bytes = Array("POST / HTTP/1.1\r\nHost: a\r\n\(name): 1\r\n\(name): 1\r\n\r\n".utf8)
            let error = try #require(throws: HTTPParseError.self) {
                _ = try bytes.withUnsafeBytes { try parser.parse($0) { _ in } }
            }
            #expect(error.code == .repeatedField)
            #expect(error.status == 400)
            #expect(error.reason.contains("2 \(name) fields"), "\(error.reason)")
        }
    }

    @Test("a header line of 1 MiB is refused with 431 after a few KiB, without buffering it")
    func hugeHeaderLine() throws {
        var parser = HTTPRequestParser(limits: HTTPLimits())
        let start = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Huge: ".utf8)
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)
        var fed = 0
        let error = try #require(throws: HTTPParseError.self) {
            _ = try start.withUnsafeBytes { try parser.parse($0) { _ in } }
            fed += start.count
            while fed < 1 << 20 {
                _ = try piece.withUnsafeBytes { try parser.parse($0) { _ in } }
                fed += piece.count
            }
        }
        #expect(error.status == 431)
        #expect(error.code == .headerLineTooLong)
        #expect(fed <= HTTPLimits().headerLineBytesMax + piece.count)
        #expect(error.reason.contains("\(HTTPLimits().headerLineBytesMax)"))
    }

    @Test("the error names the byte offset of the faulty line")
    func offsets() throws {
        var parser = HTTPRequestParser(limits: HTTPLimits())
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n".utf8)
        let error = try #require(throws: HTTPParseError.self) {
            _ = try bytes.withUnsafeBytes { try parser.parse($0) { _ in } }
        }
        #expect(error.offset == 25)
        #expect(error.reason.contains("byte 25"))
    }

    @Test("errors thrown by the handler pass through unchanged")
    func handlerErrors() throws {
        struct Refused: Error {}
        var parser = HTTPRequestParser(limits: HTTPLimits())
        let bytes = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        #expect(throws: Refused.self) {
            _ = try bytes.withUnsafeBytes { try parser.parse($0) { _ in throw Refused() } }
        }
    }
}
