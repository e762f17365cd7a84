// Goal: the request parser reports the events RFC 9112 prescribes for valid requests, whatever the split. Method:
// transcripts over whole, single-byte and seeded random cuts (SplitInvariance.swift), compared with expectations.
import Fuzzing
import HTTP
import Testing

@Suite struct HTTPRequestParserTests {
    @Test("a GET without body gives a head and an end")
    func simpleGet() {
        let entries = requestTranscript("GET /dicom-web/studies?PatientID=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n")
        #expect(entries == [.head("GET /dicom-web/studies?PatientID=1 1.1 Host: a\nAccept: */*"), .end])
    }

    @Test("a Content-Length body is reported whole and the parser stops after it")
    func contentLength() {
        let entries = requestTranscript("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        #expect(entries == [.head("POST /x 1.1 Host: a\nContent-Length: 5"), body("hello"), .end])
    }

    @Test("pipelined requests: the parser stops after each end and returns the bytes it consumed")
    func pipelined() throws {
        let first = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        let second = "GET /b HTTP/1.1\r\nHost: a\r\n\r\n"
        let bytes = Array((first + second + "GET /c HT").utf8)
        var parser = HTTPRequestParser(limits: HTTPLimits())
        var events: [String] = []
        let consumed = try bytes.withUnsafeBytes { buffer in
            try parser.parse(buffer) { event in
                if case .end = event { events.append("end") } else { events.append("event") }
            }
        }
        #expect(consumed == first.utf8.count)
        #expect(events == ["event", "event", "end"])
        #expect(parser.isAtMessageStart)
        let entries = requestTranscript(first + second)
        #expect(
            entries == [
                .head("POST /a 1.1 Host: a\nContent-Length: 3"), body("abc"), .end, .head("GET /b 1.1 Host: a"), .end,
            ])
    }

    @Test("a counted body the caller receives itself is skipped; the parser then reads the next request")
    func skipCountedBody() throws {
        var parser = HTTPRequestParser(limits: HTTPLimits())
        #expect(parser.countedBodyRemaining == nil)
        let head = Array("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc".utf8)
        var bodies: [String] = []
        _ = try head.withUnsafeBytes { buffer in
            try parser.parse(buffer) { event in
                if case .body(let bytes) = event { bodies.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        #expect(bodies == ["abc"] && parser.countedBodyRemaining == 7)
        let endedEarly = parser.skipCountedBody(4)
        #expect(!endedEarly && parser.countedBodyRemaining == 3)
        let endedNow = parser.skipCountedBody(3)
        #expect(endedNow)
        #expect(parser.countedBodyRemaining == nil && parser.isAtMessageStart)
        var ended = false
        _ = try Array("GET /b HTTP/1.1\r\nHost: a\r\n\r\n".utf8).withUnsafeBytes { buffer in
            try parser.parse(buffer) { event in if case .end = event { ended = true } }
        }
        #expect(ended)

        var chunked = HTTPRequestParser(limits: HTTPLimits())
        _ = try Array("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8).withUnsafeBytes {
            try chunked.parse($0) { _ in }
        }
        #expect(chunked.countedBodyRemaining == nil, "a chunked body is never received around the parser")
    }

    @Test("chunked bodies with extensions and trailers are de-chunked; trailers are discarded")
    func chunked() {
        let text =
            "POST /s HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value;other=\"q\"\r\nhello\r\n" + "A \r\n, world!!!\r\n"
            + "0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let entries = requestTranscript(text)
        #expect(
            entries == [
                .head("POST /s 1.1 Host: a\nTransfer-Encoding: chunked"), body("hello, world!!!"), .end,
                .head("GET / 1.1 Host: a"), .end,
            ])
    }

    @Test("a chunked body of only the last chunk is empty")
    func emptyChunked() {
        let entries = requestTranscript("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n")
        #expect(entries == [.head("POST / 1.1 Host: a\nTransfer-Encoding: Chunked"), .end])
    }

    @Test("field values are trimmed, names keep their case, lookups ignore it")
    func fields() throws {
        var heads: [HTTPRequestHead] = []
        var parser = HTTPRequestParser(limits: HTTPLimits())
        let bytes = Array("GET / HTTP/1.1\r\nhost:  a.example \r\nX-Empty:\r\nX-List: a, b\r\nx-list: c\r\n\r\n".utf8)
        _ = try bytes.withUnsafeBytes { buffer in
            try parser.parse(buffer) { if case .head(let head) = $0 { heads.append(head) } }
        }
        let head = try #require(heads.first)
        #expect(head.headers["HOST"] == "a.example")
        #expect(head.headers["x-empty"] == "")
        #expect(head.headers.values("X-LIST") == ["a, b", "c"])
        #expect(head.headers.listValues("x-list") == ["a", "b", "c"])
        #expect(head.headers.fields.map(\.name) == ["host", "X-Empty", "X-List", "x-list"])
    }

    @Test("leading empty lines before the request line are ignored (RFC 9112 §2.2)")
    func leadingEmptyLines() {
        #expect(requestTranscript("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") == [.head("GET / 1.1 Host: a"), .end])
    }

    @Test("HTTP/1.0 needs no Host and has no keep-alive unless asked")
    func http10() throws {
        #expect(requestTranscript("GET / HTTP/1.0\r\n\r\n") == [.head("GET / 1.0 "), .end])
        var head = HTTPRequestHead(method: "GET", target: "/", versionMinor: 0)
        #expect(!head.keepAlive)
        head.headers.add("Connection", "Keep-Alive")
        #expect(head.keepAlive)
        head.versionMinor = 1
        head.headers.replace("Connection", "foo, close")
        #expect(!head.keepAlive)
        head.headers.remove("Connection")
        #expect(head.keepAlive)
    }

    @Test("Expect: 100-continue is seen in HTTP/1.1 and ignored in HTTP/1.0")
    func expectContinue() {
        var head = HTTPRequestHead(method: "PUT", target: "/", headers: HTTPHeaders([("Expect", "100-Continue")]))
        #expect(head.expectsContinue)
        head.versionMinor = 0
        #expect(!head.expectsContinue)
        #expect(!HTTPRequestHead(method: "PUT", target: "/").expectsContinue)
    }

    @Test("path and query items are percent-decoded, + is a space in the query only")
    func pathAndQuery() {
        let head = HTTPRequestHead(
            method: "GET", target: "/dicom-web/a%20b+c/studies?PatientName=Doe%5EJohn+X&x&=v&limit=10#frag")
        #expect(head.path == "/dicom-web/a b+c/studies")
        #expect(head.queryItems.map(\.name) == ["PatientName", "x", "", "limit"])
        #expect(head.queryItems.map(\.value) == ["Doe^John X", "", "v", "10"])
        let absolute = HTTPRequestHead(method: "GET", target: "http://host:8080/p%2Fq?a=%zz")
        #expect(absolute.path == "/p/q")
        #expect(absolute.queryItems.first?.value == "%zz")
        #expect(HTTPRequestHead(method: "GET", target: "http://host?x=1").path == "/")
    }

    @Test("percentEncoded keeps unreserved characters and the QIDO-RS wildcard, and decodes back to its input")
    func percentEncoding() {
        #expect(HTTPRequestHead.percentEncoded("Doe^J*n a+b/ü~.-_") == "Doe%5EJ*n%20a%2Bb%2F%C3%BC~.-_")
        for value in ["1.2.840.10008", "Doe^John X", "a&b=c?d#e", "名前", "100%", ""] {
            let head = HTTPRequestHead(method: "GET", target: "/s?v=" + HTTPRequestHead.percentEncoded(value))
            #expect(head.queryItems.first?.value == value)
        }
    }

    @Test("an absolute-form target gives its scheme and authority (RFC 9112 §3.2.2); other forms give none")
    func absoluteFormOrigin() {
        let absolute = HTTPRequestHead(method: "GET", target: "HTTP://node-a.example:8042/dicom-web/studies?x=1")
        #expect(absolute.absoluteFormOrigin?.scheme == "http")
        #expect(absolute.absoluteFormOrigin?.authority == "node-a.example:8042")
        #expect(HTTPRequestHead(method: "GET", target: "https://h?x").absoluteFormOrigin?.authority == "h")
        #expect(HTTPRequestHead(method: "GET", target: "http://").absoluteFormOrigin?.authority == "")
        for target in ["/dicom-web/studies", "/a?u=http://b/", "*", "host:80", "1x://h/", "://h/"] {
            #expect(HTTPRequestHead(method: "GET", target: target).absoluteFormOrigin == nil, "\(target)")
        }
    }

    @Test("a large Content-Length body arrives as slices of the input, not copies")
    func zeroCopy() throws {
        let head = Array("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 65536\r\n\r\n".utf8)
        let bytes = head + [UInt8](repeating: 7, count: 65536)
        var parser = HTTPRequestParser(limits: HTTPLimits())
        var bodyStarts: [UnsafeRawPointer?] = []
        var base: UnsafeRawPointer?
        _ = try bytes.withUnsafeBytes { buffer in
            base = buffer.baseAddress
            return try parser.parse(buffer) { if case .body(let slice) = $0 { bodyStarts.append(slice.baseAddress) } }
        }
        #expect(bodyStarts == [base.map { $0 + head.count }])
    }
}
