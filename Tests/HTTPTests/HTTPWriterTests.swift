// Goal: heads serialize to the exact bytes RFC 9112 prescribes, header injection is impossible, and the buffered
// writer refuses the same mistakes a socket writer would. Method: byte comparisons and parse-back round trips.
import Fuzzing
import HTTP
import Testing

@Suite struct HTTPWriterTests {
    @Test("a response head serializes with the standard reason phrase and parses back")
    func responseHead() throws {
        let head = HTTPResponseHead(status: 413, headers: HTTPHeaders([("Content-Length", "0"), ("X-A", "b c")]))
        let bytes = try head.serialized()
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nX-A: b c\r\n\r\n")
        #expect(
            HTTPTranscript.response([bytes], requestMethod: "GET", limits: HTTPLimits())
                == [.head("413 Content Too Large 1.1 Content-Length: 0\nX-A: b c"), .end])
        #expect(HTTPResponseHead(status: 299).reason == "Success")
    }

    @Test("a request head serializes and parses back to the same head")
    func requestHead() throws {
        let head = HTTPRequestHead(
            method: "POST", target: "/dicom-web/studies",
            headers: HTTPHeaders([("Host", "n1"), ("Content-Length", "0")]))
        let bytes = try head.serialized()
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "POST /dicom-web/studies HTTP/1.1\r\nHost: n1\r\nContent-Length: 0\r\n\r\n")
        var parsed: [HTTPRequestHead] = []
        var parser = HTTPRequestParser(limits: HTTPLimits())
        _ = try bytes.withUnsafeBytes { try parser.parse($0) { if case .head(let h) = $0 { parsed.append(h) } } }
        #expect(parsed == [head])
    }

    @Test(
        "CR, LF and control bytes in names or values are refused (no header injection)",
        arguments: [
            ("X", "a\r\nInjected: 1"), ("X", "a\nb"), ("X", "a\u{0}"), ("X Y", "a"), ("X:", "a"), ("", "a"),
            ("X", " a"),
        ])
    func injection(name: String, value: String) throws {
        let error = try #require(throws: HTTPWriteError.self) {
            try HTTPResponseHead(status: 200, headers: HTTPHeaders([(name, value)])).serialized()
        }
        #expect(error.code == .invalidField)
        #expect(throws: HTTPWriteError.self) {
            try HTTPRequestHead(method: "GET", target: "/", headers: HTTPHeaders([(name, value)])).serialized()
        }
    }

    @Test("invalid request lines and statuses are refused")
    func invalidLines() {
        #expect(throws: HTTPWriteError.self) { try HTTPRequestHead(method: "G T", target: "/").serialized() }
        #expect(throws: HTTPWriteError.self) { try HTTPRequestHead(method: "GET", target: "/a b").serialized() }
        #expect(throws: HTTPWriteError.self) { try HTTPResponseHead(status: 42).serialized() }
        #expect(throws: HTTPWriteError.self) { try HTTPResponseHead(status: 200, reason: "O\r\nK").serialized() }
    }

    @Test("the buffered writer keeps head and body and checks Content-Length")
    func bufferedWriter() throws {
        var writer = BufferedResponseWriter()
        try writer.writeHead(HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Length", "5")])))
        try [UInt8]("hel".utf8).withUnsafeBytes { try writer.writeBody($0) }
        #expect(throws: HTTPWriteError.self) { try writer.finish() }
        #expect(throws: HTTPWriteError.self) { try [UInt8]("lo!".utf8).withUnsafeBytes { try writer.writeBody($0) } }
        try [UInt8]("lo".utf8).withUnsafeBytes { try writer.writeBody($0) }
        try writer.finish()
        #expect(writer.bodyText == "hello")
        #expect(writer.head?.status == 200)
        #expect(!writer.isChunked)
        #expect(writer.isFinished)
        #expect(throws: HTTPWriteError.self) { try writer.finish() }
    }

    @Test("the buffered writer refuses out-of-order calls and bodies where none is allowed")
    func bufferedWriterMisuse() throws {
        var writer = BufferedResponseWriter()
        #expect(throws: HTTPWriteError.self) { try [UInt8]("x".utf8).withUnsafeBytes { try writer.writeBody($0) } }
        #expect(throws: HTTPWriteError.self) { try writer.finish() }
        try writer.writeHead(HTTPResponseHead(status: 204))
        #expect(throws: HTTPWriteError.self) { try writer.writeHead(HTTPResponseHead(status: 200)) }
        #expect(throws: HTTPWriteError.self) { try [UInt8]("x".utf8).withUnsafeBytes { try writer.writeBody($0) } }
        var chunked = BufferedResponseWriter()
        try chunked.writeHead(HTTPResponseHead(status: 200))
        #expect(chunked.isChunked)
        var headAnswer = BufferedResponseWriter(isAnswerToHEAD: true)
        try headAnswer.writeHead(HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Length", "9")])))
        try headAnswer.finish()
        var teByCaller = BufferedResponseWriter()
        #expect(throws: HTTPWriteError.self) {
            try teByCaller.writeHead(
                HTTPResponseHead(status: 200, headers: HTTPHeaders([("Transfer-Encoding", "chunked")])))
        }
    }

    @Test("chunked framing bytes")
    func chunkedFraming() {
        #expect(HTTPChunkedFraming.chunkHead(count: 255) == Array("ff\r\n".utf8))
        #expect(HTTPChunkedFraming.lastChunk == Array("0\r\n\r\n".utf8))
    }

    @Test("a status error without headers gets empty ones by default")
    func statusErrorDefaults() {
        struct Teapot: HTTPStatusError {
            var status: Int { 418 }
            var reason: String { "short and stout" }
        }
        #expect(Teapot().headers.isEmpty)
    }
}
