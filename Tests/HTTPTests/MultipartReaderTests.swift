// Goal: the multipart reader finds parts exactly as RFC 2046 §5.1 defines them, including near-delimiters inside
// bodies, empty parts, padding, preamble and epilogue, and refuses broken bodies with a clear error, whatever the
// split. Method: transcripts over every cut (SplitInvariance.swift), and writer → reader round trips.
import Fuzzing
import HTTP
import Primitives
import Testing

@Suite struct MultipartReaderTests {
    @Test("parts with heads, preamble, padding and epilogue")
    func basic() {
        let text =
            "preamble to ignore\r\n--b  \t\r\nContent-Type: application/dicom\r\n\r\nfirst\r\n--b\r\n"
            + "Content-Type: text/plain\r\nX: y\r\n\r\nsecond\r\nline\r\n--b-- trailing\r\nepilogue --b\r\n"
        let entries = multipartTranscript(Array(text.utf8), boundary: "b")
        #expect(
            entries == [
                .head("Content-Type: application/dicom"), body("first"), .partEnd,
                .head("Content-Type: text/plain\nX: y"), body("second\r\nline"), .partEnd, .end,
            ])
    }

    @Test("delimiter-like bytes inside a body stay in the body")
    func nearDelimiters() {
        let tricky = "x--boundary at start\r\n--boundar\r\n\r\n--bound\r\r\n-x--boundary\r\n--boundarz\r\n-"
        let text = "--boundary\r\n\r\n" + tricky + "\r\n--boundary--"
        let entries = multipartTranscript(Array(text.utf8), boundary: "boundary")
        #expect(entries == [.head(""), body(tricky), .partEnd, .end])
    }

    @Test("the boundary as a prefix of a longer word inside a body is refused as a malformed delimiter")
    func boundaryPrefixInBody() {
        let text = "--b\r\n\r\nx\r\n--bx\r\n--b--"
        #expect(errorCode(multipartTranscript(Array(text.utf8), boundary: "b")) == .multipartMalformedDelimiter)
    }

    @Test("empty parts, with or without an empty line, and a body starting with CRLF")
    func emptyParts() {
        let text = "--b\r\n\r\n--b\r\n\r\n\r\n--b\r\nA: 1\r\n\r\n--b\r\n\r\n\r\nx\r\n--b--"
        let entries = multipartTranscript(Array(text.utf8), boundary: "b")
        #expect(
            entries == [
                .head(""), .partEnd, .head(""), .partEnd, .head("A: 1"), .partEnd, .head(""), body("\r\nx"), .partEnd,
                .end,
            ])
    }

    @Test("a body with only the close delimiter has no parts")
    func noParts() {
        #expect(multipartTranscript(Array("--b--\r\n".utf8), boundary: "b") == [.end])
    }

    @Test("broken bodies give clear errors")
    func errors() {
        let missingClose = multipartTranscript(Array("--b\r\n\r\nabc\r\n--b\r\n\r\ndef".utf8), boundary: "b")
        #expect(errorCode(missingClose) == .multipartUnterminated)
        let noOpening = multipartTranscript(Array("just text\r\n".utf8), boundary: "b")
        #expect(errorCode(noOpening) == .multipartNoOpeningDelimiter)
        let longPreamble = multipartTranscript(
            Array((String(repeating: "p", count: 100) + "\r\n--b--").utf8), boundary: "b",
            limits: MultipartLimits(preambleBytesMax: 50))
        #expect(errorCode(longPreamble) == .multipartNoOpeningDelimiter)
        let bigHead = multipartTranscript(
            Array(("--b\r\nX: " + String(repeating: "h", count: 100) + "\r\n\r\n--b--").utf8), boundary: "b",
            limits: MultipartLimits(partHeadBytesMax: 64))
        #expect(errorCode(bigHead) == .multipartPartHeadTooLarge)
        let manyParts = multipartTranscript(
            Array("--b\r\n\r\n--b\r\n\r\n--b\r\n\r\n--b--".utf8), boundary: "b",
            limits: MultipartLimits(partCountMax: 2))
        #expect(errorCode(manyParts) == .multipartTooManyParts)
        let badHead = multipartTranscript(Array("--b\r\nno colon\r\n\r\n--b--".utf8), boundary: "b")
        #expect(errorCode(badHead) == .malformedHeaderField)
        let padding = multipartTranscript(
            Array("--b        \r\n\r\n--b--".utf8), boundary: "b", limits: MultipartLimits(paddingBytesMax: 4))
        #expect(errorCode(padding) == .multipartMalformedDelimiter)
    }

    @Test("boundaries come from the Content-Type and are validated")
    func boundaries() throws {
        let type = try MediaType.parse("multipart/related; type=\"application/dicom\"; boundary=\"a b:c\"")
        #expect(try MultipartBoundary.of(type) == "a b:c")
        let missing = try #require(throws: HTTPParseError.self) {
            try MultipartBoundary.of(try MediaType.parse("multipart/related; type=\"application/dicom\""))
        }
        #expect(missing.code == .invalidBoundary)
        #expect(missing.reason.contains("no boundary"))
        #expect(throws: HTTPParseError.self) { try MultipartBoundary.of(try MediaType.parse("application/dicom")) }
        let long = String(repeating: "x", count: 71)
        var reader = MultipartReader(boundary: long, limits: MultipartLimits())
        #expect(throws: HTTPParseError.self) { try [UInt8]().withUnsafeBytes { try reader.parse($0) { _ in } } }
        #expect(throws: HTTPParseError.self) { try MultipartWriter(boundary: "ends in space ") }
    }

    @Test("writer → reader round trip with random bodies and a boundary of 70 bytes", arguments: splitSeeds)
    func roundTrip(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let boundary = String(repeating: "=_", count: 35)
        var writer = try MultipartWriter(boundary: boundary)
        var bytes: [UInt8] = []
        var expected: [HTTPTranscript.Entry] = []
        for part in 0..<Int(random.next() % 5 + 1) {
            let headers = HTTPHeaders([("Content-Type", "application/dicom"), ("Content-Location", "/p/\(part)")])
            bytes += try writer.partHead(headers)
            let partBody = random.bytes(Int(random.next() % 3000)) + Array("\r\n--=_=_".utf8)
            bytes += partBody
            expected += [.head(headers.description), .body(partBody), .partEnd]
        }
        bytes += try writer.close()
        expected.append(.end)
        #expect(multipartTranscript(bytes, boundary: boundary) == expected)
        #expect(
            writer.mediaType(type: "application/dicom").description
                == "multipart/related;type=\"application/dicom\";boundary=\"\(boundary)\"")
    }

    @Test("generated boundaries are fixed by their seed and valid")
    func generatedBoundary() throws {
        let boundary = MultipartWriter.makeBoundary(seed: 7)
        #expect(boundary == MultipartWriter.makeBoundary(seed: 7))
        #expect(boundary != MultipartWriter.makeBoundary(seed: 8))
        #expect(boundary.utf8.count == 40)
        _ = try MultipartWriter(boundary: boundary)
    }

    @Test("a part body arrives as slices of the input")
    func zeroCopy() throws {
        let bytes = Array("--b\r\n\r\n".utf8) + [UInt8](repeating: 1, count: 10_000) + Array("\r\n--b--".utf8)
        var reader = MultipartReader(boundary: "b", limits: MultipartLimits())
        var slices: [Int] = []
        try bytes.withUnsafeBytes { buffer in
            try reader.parse(buffer) { event in
                if case .partBody(let slice) = event { slices.append(slice.baseAddress! - buffer.baseAddress!) }
            }
        }
        #expect(slices == [7])
        try reader.finish()
    }
}

@Suite struct MultipartReaderRegressionTests {
    @Test("bytes that are not UTF-8 in a part header become U+FFFD and survive a writer round trip (fuzz find)")
    func nonUTF8PartHeader() throws {
        let bytes = Array("--b\r\nContent-Type: a".utf8) + [0xFF, 0xFE] + Array("b\r\n\r\nx\r\n--b--".utf8)
        let entries = multipartTranscript(bytes, boundary: "b")
        #expect(entries == [.head("Content-Type: a\u{FFFD}\u{FFFD}b"), body("x"), .partEnd, .end])
        var fuzzInput: [UInt8] = [0]
        fuzzInput += bytes
        fuzzInput.withUnsafeBytes { HTTPFuzzing.multipart($0) }
    }
}

extension MultipartReaderRegressionTests {
    @Test("a part header value starting with a combining mark survives a writer round trip (fuzz find)")
    func combiningMark() {
        let bytes: [UInt8] = [0] + Array("--b\r\nContent-Type: \u{064B}x\r\n\r\nbody\r\n--b--".utf8)
        bytes.withUnsafeBytes { HTTPFuzzing.multipart($0) }
    }
}
