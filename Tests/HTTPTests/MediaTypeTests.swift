// Goal: Content-Type and Accept values parse as RFC 9110 §8.3.1 and §12.5.1 say, including DICOMweb's
// multipart/related Accept with type and transfer-syntax parameters. Method: examples and their expected parts.
import HTTP
import Testing

@Suite struct MediaTypeTests {
    @Test("type, subtype and parameter names are lowercased; values are unquoted and keep their case")
    func parse() throws {
        let type = try MediaType.parse(" Multipart/Related ; Type=\"application/dicom\";BOUNDARY=Ab_x ; charset=UTF-8")
        #expect(type.type == "multipart")
        #expect(type.subtype == "related")
        #expect(type.parameters.map(\.name) == ["type", "boundary", "charset"])
        #expect(type.parameter("Type") == "application/dicom")
        #expect(type.parameter("boundary") == "Ab_x")
        #expect(type.parameter("missing") == nil)
        #expect(type.essence == "multipart/related")
    }

    @Test("quoted strings keep escaped quotes, semicolons and commas")
    func quoted() throws {
        let type = try MediaType.parse("text/plain; a=\"x\\\"y;z,w\"; b=\"\"")
        #expect(type.parameter("a") == "x\"y;z,w")
        #expect(type.parameter("b") == "")
        #expect(type.description == "text/plain;a=\"x\\\"y;z,w\";b=\"\"")
        #expect(try MediaType.parse(type.description) == type)
    }

    @Test("unquoted values with a slash are accepted, as DICOMweb clients send them")
    func lenientSlash() throws {
        #expect(
            try MediaType.parse("multipart/related; type=application/dicom").parameter("type") == "application/dicom")
    }

    @Test(
        "malformed media types are refused",
        arguments: ["", "text", "text/", "/plain", "te xt/plain", "a/b; c", "a/b; c=", "a/b; c=\"open", "a/b x"])
    func malformed(_ text: String) throws {
        let error = try #require(throws: HTTPParseError.self) { try MediaType.parse(text) }
        #expect(error.code == .malformedMediaType)
        #expect(error.status == 400)
    }

    @Test("the DICOMweb Accept header parses into ranges with parameters")
    func dicomwebAccept() throws {
        let ranges = try MediaRange.parseList(
            "multipart/related; type=\"application/dicom\"; transfer-syntax=*, application/dicom+json;q=0.5, */*;q=0.1")
        #expect(ranges.count == 3)
        #expect(ranges[0].mediaType.essence == "multipart/related")
        #expect(ranges[0].mediaType.parameter("type") == "application/dicom")
        #expect(ranges[0].mediaType.parameter("transfer-syntax") == "*")
        #expect(ranges[0].qualityPerMille == 1000)
        #expect(ranges[1].qualityPerMille == 500)
        #expect(ranges[2].qualityPerMille == 100)
        #expect(ranges[2].mediaType.matches(ranges[1].mediaType))
        #expect(!ranges[1].mediaType.matches(ranges[0].mediaType))
    }

    @Test("q-values order preference; accept-ext after q is dropped; q=0 refuses")
    func preference() throws {
        let ranges = try MediaRange.parseList("*/*;q=0.8, image/*;q=0.8, image/jpeg;q=0.8;level=1, text/html;q=0, a/b")
        #expect(ranges[2].mediaType.parameters.isEmpty)
        let ordered = MediaRange.preferenceOrdered(ranges).map(\.mediaType.essence)
        #expect(ordered == ["a/b", "image/jpeg", "image/*", "*/*"])
        #expect(try MediaRange.parseList("") == [])
    }

    @Test("invalid q-values are refused", arguments: ["a/b;q=2", "a/b;q=1.5", "a/b;q=0.1234", "a/b;q=x", "a/b;q=.5"])
    func badQuality(_ text: String) throws {
        #expect(throws: HTTPParseError.self) { try MediaRange.parseList(text) }
    }
}
