// Goal: WADO-RS returns stored instances byte-identical at study, series and instance level, with exact framing
// and the stored transfer syntax; refuses syntaxes it would have to transcode; serves metadata and bulk data
// ranges; and answers unknown UIDs, wrong methods and bad UIDs with 404, 405 and 400. Method: seeded archive,
// multipart answers parsed with HTTP's MultipartReader and compared with the seeded bytes.
import DICOM
import DICOMweb
import HTTP
import Testing

/// Retrieve test bodies, independent of how requests reach the responder.
enum RetrieveBodies {
    static func instancesByteIdentical(_ client: some TestClient, _ seeded: [SeededInstance]) throws {
        let a = DICOMwebFixture.studyA
        let study = try client.get("/dicom-web/studies/\(a)")
        #expect(study.status == 200)
        #expect(study.headers["Content-Length"] == "\(study.body.count)")
        let parts = try Answer.parts(study)
        let expected = seeded.filter { $0.study == a }
        #expect(parts.map(\.body) == expected.map(\.bytes))
        #expect(
            parts.allSatisfy {
                $0.headers["Content-Type"] == "application/dicom; transfer-syntax=\(DICOMwebFixture.explicitLittle)"
            })
        let series = try Answer.parts(try client.get("/dicom-web/studies/\(a)/series/\(a).2"))
        #expect(series.map(\.body) == expected.filter { $0.series == "\(a).2" }.map(\.bytes))
        for instance in seeded {
            let response = try client.get(
                "/dicom-web/studies/\(instance.study)/series/\(instance.series)/instances/\(instance.sopInstanceUID)",
                headers: [("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*")])
            #expect(try Answer.parts(response).map(\.body) == [instance.bytes])
        }
    }

    static func negotiation(_ client: some TestClient) throws {
        let path = "/dicom-web/studies/\(DICOMwebFixture.studyB)"
        let jpeg = "1.2.840.10008.1.2.4.50"
        for (accept, status) in [
            ("*/*", 200), ("multipart/related; type=\"application/dicom\"", 200),
            ("multipart/related; type=\"application/dicom\"; transfer-syntax=\(DICOMwebFixture.explicitLittle)", 200),
            ("multipart/related; type=\"application/dicom\"; transfer-syntax=\(jpeg)", 406),
            ("application/dicom+json", 406),
        ] {
            let response = try client.get(path, headers: [("Accept", accept)])
            #expect(response.status == status, "\(accept)")
        }
        for (accept, status) in [
            ("application/dicom+json", 200), ("application/json", 200), ("*/*", 200),
            ("application/dicom+xml", 406), ("multipart/related; type=\"application/dicom\"", 406),
        ] {
            #expect(try client.get("/dicom-web/studies", headers: [("Accept", accept)]).status == status, "\(accept)")
            #expect(try client.get(path + "/metadata", headers: [("Accept", accept)]).status == status, "\(accept)")
        }
    }

    /// A study stored by STOW-RS, asked for in Implicit VR Little Endian and in Explicit VR Big Endian: each part
    /// says the syntax it is in, reads back as the same data set as the stored file, and carries the same pixels
    /// (swapped in big endian).
    static func transcoded(_ client: some TestClient, _: [SeededInstance]) throws {
        let a = "1.2.826.0.1.3680043.10.9.7"
        let stored = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType,
            body: TestMultipart.body(
                (1...3).map { TestPart10.instance(study: a, series: "\(a).1", sop: "\(a).1.\($0)", number: $0) }))
        #expect(stored.status == 200)
        let originals = (1...3).map { number in
            (
                sopInstanceUID: "\(a).1.\(number)",
                bytes: TestPart10.instance(
                    study: a, series: "\(a).1", sop: "\(a).1.\(number)", number: number)
            )
        }
        for syntax in [TransferSyntax.implicitVRLittleEndian, .explicitVRBigEndian] {
            let response = try client.get(
                "/dicom-web/studies/\(a)",
                headers: [("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=\(syntax.uid)")])
            #expect(response.status == 200, "\(syntax.name)")
            #expect(response.headers["Content-Length"] == nil)
            let parts = try Answer.parts(response)
            #expect(parts.count == originals.count)
            for (part, original) in zip(parts, originals) {
                #expect(part.headers["Content-Type"] == "application/dicom; transfer-syntax=\(syntax.uid)")
                let header = try part.body.withUnsafeBytes { try Part10Reader.read($0) }
                let stored = try original.bytes.withUnsafeBytes { try Part10Reader.read($0) }
                #expect(header.transferSyntax == syntax)
                var withoutPixels = header.dataSet
                var storedWithoutPixels = stored.dataSet
                withoutPixels.remove(.pixelData)
                storedWithoutPixels.remove(.pixelData)
                #expect(withoutPixels == storedWithoutPixels, "\(syntax.name): \(original.sopInstanceUID)")
                let pixels = try #require(header.pixelData)
                let storedPixels = try #require(stored.pixelData)
                let bytes = Array(part.body[Int(pixels.offset)..<Int(pixels.offset + (pixels.length ?? 0))])
                var expected = Array(
                    original.bytes[Int(storedPixels.offset)..<Int(storedPixels.offset + (storedPixels.length ?? 0))])
                if syntax.isBigEndian {
                    for index in stride(from: 0, to: expected.count - 1, by: 2) { expected.swapAt(index, index + 1) }
                }
                #expect(bytes == expected, "\(syntax.name): pixels of \(original.sopInstanceUID)")
            }
        }
    }

    /// WADO-URI: the Part-10 file as stored, or transcoded on request; image/jpeg (the default) and image/png
    /// rendered; each parameter error a 400 naming it, another content type a 406, an unknown instance 404.
    static func wadoURI(_ client: some TestClient, _: [SeededInstance]) throws {
        let study = "1.2.826.0.1.3680043.10.9.8"
        let original = TestPart10.instance(study: study, series: "\(study).1", sop: "\(study).1.1")
        let stored = try client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([original]))
        #expect(stored.status == 200)
        let uids = "studyUID=\(study)&seriesUID=\(study).1&objectUID=\(study).1.1"
        let base = "/dicom-web/wado?requestType=WADO&" + uids
        let file = try client.get(base + "&contentType=application/dicom")
        #expect(file.status == 200)
        #expect(file.headers["Content-Type"] == "application/dicom")
        #expect(file.body == original)
        let implicit = try client.get(
            base + "&contentType=application%2Fdicom&transferSyntax=\(TransferSyntax.implicitVRLittleEndian.uid)")
        #expect(implicit.status == 200)
        let header = try implicit.body.withUnsafeBytes { try Part10Reader.read($0) }
        let originalHeader = try original.withUnsafeBytes { try Part10Reader.read($0) }
        #expect(header.transferSyntax == .implicitVRLittleEndian)
        #expect(header.dataSet.string(.sopInstanceUID) == originalHeader.dataSet.string(.sopInstanceUID))
        #expect(header.dataSet.elements.count == originalHeader.dataSet.elements.count)
        let jpeg = try client.get(base)
        #expect(jpeg.status == 200 && jpeg.headers["Content-Type"] == "image/jpeg", "\(jpeg.text)")
        #expect(jpeg.body.prefix(2) == [0xFF, 0xD8])
        let png = try client.get(base + "&contentType=image/png&columns=8&windowCenter=100&windowWidth=50")
        #expect(png.status == 200 && png.headers["Content-Type"] == "image/png", "\(png.text)")
        #expect(png.body[16..<24] == [0, 0, 0, 8, 0, 0, 0, 16], "the 16×32 frame fitted to 8 columns is 8×16")
        let cases: [(query: String, status: Int, names: String)] = [
            ("/dicom-web/wado?studyUID=\(study)&seriesUID=\(study).1&objectUID=\(study).1.1", 400, "requestType"),
            ("/dicom-web/wado?requestType=WADO&studyUID=\(study)&seriesUID=\(study).1", 400, "objectUID"),
            (base + "&contentType=application/dicom&region=0,0,1,1", 400, "region"),
            (base + "&contentType=application/dicom&objectUID=1.2", 400, "twice"),
            (base + "&objectUID2=x", 400, "objectUID2"),
            (base + "&contentType=image/gif", 406, "image/png"),
            (base + "&contentType=image/png&transferSyntax=1.2.840.10008.1.2", 400, "transferSyntax"),
            (base + "&contentType=image/png&windowCenter=40", 400, "windowWidth"),
            (base + "&contentType=image/png&rows=0", 400, "rows"),
            (base + "&contentType=image/png&region=0,0,2,1", 400, "region"),
            (base + "&contentType=image/png&frameNumber=2", 404, "frame 2"),
            (base + "&imageQuality=101", 400, "imageQuality"),
            (
                base + "&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.4.50", 406,
                "1.2.840.10008.1.2.4.50"
            ),
            (
                "/dicom-web/wado?requestType=WADO&studyUID=1.2.3&seriesUID=1.2.3.4&objectUID=1.2.3.4.5"
                    + "&contentType=application/dicom", 404, "1.2.3.4.5"
            ),
        ]
        for (query, status, names) in cases {
            let answer = try client.get(query)
            #expect(answer.status == status, "\(query)")
            #expect(answer.text.contains(names), "\(query): \(answer.text)")
        }
    }

    static func metadataAndBulkData(_ client: some TestClient, _ seeded: [SeededInstance]) throws {
        let a = DICOMwebFixture.studyA
        let study = try client.get("/dicom-web/studies/\(a)/metadata")
        #expect(study.status == 200)
        #expect(study.headers["Content-Type"] == "application/dicom+json")
        let objects = try Answer.objects(study)
        #expect(objects.count == 5)
        let uri = try #require((objects[0]["7FE00010"] as? [String: Any])?["BulkDataURI"] as? String)
        #expect(uri.hasPrefix("http://archive.test/dicom-web/studies/\(a)/series/"))
        #expect(try Answer.objects(try client.get("/dicom-web/studies/\(a)/series/\(a).1/metadata")).count == 3)
        let one = try Answer.objects(
            try client.get("/dicom-web/studies/\(a)/series/\(a).1/instances/\(a).1.2/metadata"))
        #expect(one.count == 1 && Answer.value(one[0], "00080018") == "\(a).1.2")

        let instance = seeded[1]
        let path = String(uri.dropFirst("http://archive.test".count))
        #expect(path.hasSuffix("/bulkdata/10/20"))
        let target =
            "/dicom-web/studies/\(instance.study)/series/\(instance.series)/instances/"
            + "\(instance.sopInstanceUID)/bulkdata/10/20"
        let bulk = try Answer.parts(try client.get(target))
        #expect(bulk.map(\.body) == [Array(instance.bytes[10..<30])])
        #expect(bulk.first?.headers["Content-Type"] == "application/octet-stream")
        let past = try client.get(
            "/dicom-web/studies/\(instance.study)/series/\(instance.series)/instances/"
                + "\(instance.sopInstanceUID)/bulkdata/\(instance.bytes.count - 5)/6")
        #expect(past.status == 404)
    }

    static func errors(_ client: some TestClient) throws {
        let a = DICOMwebFixture.studyA
        for (method, target, status) in [
            ("GET", "/dicom-web/studies/1.2.3", 404), ("GET", "/dicom-web/studies/\(a)/series/1.2.3", 404),
            ("GET", "/dicom-web/studies/\(a)/series/\(a).1/instances/1.2.3", 404),
            ("GET", "/dicom-web/studies/1.2.3/metadata", 404), ("GET", "/dicom-web/studies/x.y", 400),
            ("GET", "/dicom-web/studies/\(a)/series/\(a).1/instances/1.2.3/bulkdata/0/1", 404),
            ("PUT", "/dicom-web/studies/\(a)", 405), ("PUT", "/dicom-web/studies", 405),
            ("DELETE", "/dicom-web/studies/\(a)", 403),
            ("POST", "/dicom-web/series", 405), ("GET", "/dicom-web/patients", 404), ("GET", "/other", 404),
        ] {
            let response = try client.send(method: method, target: target, headers: HTTPHeaders(), body: [])
            #expect(response.status == status, "\(method) \(target): \(response.text)")
            #expect(!response.body.isEmpty, "a reason is given")
            if status == 405 { #expect(response.headers["Allow"] != nil) }
        }
    }
}

@Suite struct RetrieveTests {
    func run(_ body: (InProcessClient, [SeededInstance]) throws -> Void) throws {
        let fixture = try DICOMwebFixture()
        let seeded = try fixture.seed()
        try body(fixture.client, seeded)
    }

    @Test("study, series and instance retrieves return the stored bytes, framed with exact lengths")
    func instancesByteIdentical() throws { try run(RetrieveBodies.instancesByteIdentical) }

    @Test("Accept: the stored syntax and wildcards are served, another transfer syntax is 406")
    func negotiation() throws { try run { client, _ in try RetrieveBodies.negotiation(client) } }

    @Test("a retrieve asked for in another native syntax is transcoded, data set and pixels intact")
    func transcoded() throws { try run(RetrieveBodies.transcoded) }

    @Test("WADO-URI: the file as stored or transcoded; parameter errors 400, other content types 406, unknown 404")
    func wadoURI() throws { try run(RetrieveBodies.wadoURI) }

    @Test("metadata at three levels with absolute BulkDataURIs, and the bulk data range they name")
    func metadataAndBulkData() throws { try run(RetrieveBodies.metadataAndBulkData) }

    @Test("unknown UIDs 404, bad UIDs 400, wrong methods 405 with Allow, each with a reason")
    func errors() throws { try run { client, _ in try RetrieveBodies.errors(client) } }
}
