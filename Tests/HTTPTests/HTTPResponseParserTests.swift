// Goal: the client-side parser frames responses as RFC 9112 §6.3 says: no body for HEAD, 1xx, 204 and 304;
// Content-Length, chunked and read-until-close bodies; interim 100 Continue reported then skipped. Method:
// transcripts over every cut (SplitInvariance.swift).
import Fuzzing
import HTTP
import Testing

@Suite struct HTTPResponseParserTests {
    @Test("a Content-Length response and a pipelined one after it")
    func contentLength() {
        let entries = responseTranscript(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        #expect(
            entries == [
                .head("200 OK 1.1 Content-Length: 2"), body("hi"), .end, .head("404 Not Found 1.1 Content-Length: 0"),
                .end,
            ])
    }

    @Test("a chunked response is de-chunked")
    func chunked() {
        let entries = responseTranscript(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
        #expect(entries == [.head("200 OK 1.1 Transfer-Encoding: chunked"), body("abcde"), .end])
    }

    @Test("without Content-Length or chunked, the body runs until the connection closes")
    func untilClose() {
        let entries = responseTranscript("HTTP/1.0 200 OK\r\nServer: x\r\n\r\neverything until close")
        #expect(entries == [.head("200 OK 1.0 Server: x"), body("everything until close"), .end])
    }

    @Test("HEAD, 204 and 304 responses have no body, whatever their headers say")
    func bodyless() {
        let head = responseTranscript("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method: "HEAD")
        #expect(head == [.head("200 OK 1.1 Content-Length: 10"), .end])
        let noContent = responseTranscript(
            "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 4\r\n\r\n")
        #expect(
            noContent == [.head("204 No Content 1.1 "), .end, .head("304 Not Modified 1.1 Content-Length: 4"), .end])
    }

    @Test("an interim 100 Continue is reported and the final response follows")
    func interim() {
        let entries = responseTranscript(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx")
        #expect(entries == [.head("interim 100 "), .head("201 Created 1.1 Content-Length: 1"), body("x"), .end])
    }

    @Test("a response cut short is an error with status 502; a close between responses is not")
    func truncated() throws {
        let cut = responseTranscript("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        #expect(errorCode(cut) == .incompleteMessage)
        #expect(responseTranscript("") == [])
        var parser = HTTPResponseParser(limits: HTTPLimits())
        let bytes = Array("HTTP/1.1 OK\r\n\r\n".utf8)
        let error = try #require(throws: HTTPParseError.self) {
            _ = try bytes.withUnsafeBytes { try parser.parse($0) { _ in } }
        }
        #expect(error.status == 502)
        #expect(error.code == .malformedStartLine)
    }

    @Test("malformed framing is refused")
    func framing() {
        let both = responseTranscript("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(errorCode(both) == .conflictingFraming)
        let large = responseTranscript("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", limits: smallLimits)
        #expect(errorCode(large) == .bodyTooLarge)
        let version = responseTranscript("HTTP/3.0 200 OK\r\n\r\n")
        #expect(errorCode(version) == .unsupportedVersion)
    }

    @Test("keep-alive follows the version and Connection")
    func keepAlive() {
        #expect(HTTPResponseHead(status: 200).keepAlive)
        #expect(!HTTPResponseHead(status: 200, headers: HTTPHeaders([("Connection", "close")])).keepAlive)
        #expect(!HTTPResponseHead(status: 200, reason: "OK", versionMinor: 0).keepAlive)
    }
}
