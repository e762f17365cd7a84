// Goal: STOW-RS stores what it acknowledges and nothing else: several instances per request come back through QIDO
// and byte-identical through WADO; a re-store is idempotent; a conflict, a foreign study and every hostile part
// fail alone with the PS3.18 reason and leave the catalog and the stored objects unchanged; broken framing fails
// the whole request. Method: hand-built Part-10 files and multipart bodies; each body takes a TestClient.
import DICOMweb
import Foundation
import HTTP
import Testing

/// STOW-RS test bodies, independent of how requests reach the responder.
enum StoreBodies {
    static let studyC = "1.2.826.0.1.3680043.10.3"
    static let studyD = "1.2.826.0.1.3680043.10.4"
    static let stow = "/dicom-web/studies"

    /// The items of a sequence in a STOW-RS answer.
    static func items(_ response: TestResponse, _ tag: String) throws -> [[String: Any]] {
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(response.text.prefix(300))")
        }
        return (object[tag] as? [String: Any])?["Value"] as? [[String: Any]] ?? []
    }

    static func failureReasons(_ response: TestResponse) throws -> [String] {
        try items(response, "00081198").map { Answer.value($0, "00081197") ?? "none" }
    }

    /// Three instances of study C in two series (one in Implicit VR Little Endian), one of study D.
    static func instances() -> [(uid: String, bytes: [UInt8])] {
        [
            (
                "\(studyC).1.1",
                TestPart10.instance(
                    study: studyC, series: "\(studyC).1", sop: "\(studyC).1.1", patientID: "PC", number: 1)
            ),
            (
                "\(studyC).1.2",
                TestPart10.instance(
                    study: studyC, series: "\(studyC).1", sop: "\(studyC).1.2", patientID: "PC", number: 2,
                    pixelCount: 4096)
            ),
            (
                "\(studyC).2.1",
                TestPart10.instance(
                    study: studyC, series: "\(studyC).2", sop: "\(studyC).2.1", patientID: "PC", modality: "MR",
                    isImplicit: true)
            ),
            (
                "\(studyD).1.1",
                TestPart10.instance(
                    study: studyD, series: "\(studyD).1", sop: "\(studyD).1.1", patientID: "PD", studyDate: "20200101")
            ),
        ]
    }

    static func storeThenFind(_ client: some TestClient) throws {
        let originals = instances()
        let response = try client.post(
            stow, contentType: TestMultipart.contentType, body: TestMultipart.body(originals.map(\.bytes)))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/dicom+json")
        let referenced = try items(response, "00081199")
        #expect(referenced.map { Answer.value($0, "00081155") ?? "" } == originals.map(\.uid))
        #expect(referenced.allSatisfy { Answer.value($0, "00081150") == TestPart10.ctImageStorage })
        #expect(
            Answer.value(referenced[0], "00081190")
                == "http://archive.test/dicom-web/studies/\(studyC)/series/\(studyC).1/instances/\(studyC).1.1")
        #expect(try failureReasons(response).isEmpty)

        let found = try Answer.objects(try client.get(stow + "?PatientID=PC"))
        #expect(found.count == 1)
        #expect(Answer.value(found[0], "00201208") == "3")
        #expect(Answer.value(found[0], "00100010") == "Test^Patient")
        #expect((found[0]["00080061"] as? [String: Any])?["Value"] as? [String] == ["CT", "MR"])
        #expect(try Answer.objects(try client.get(stow + "?StudyDate=20200101")).count == 1)
        #expect(try Answer.objects(try client.get(stow + "/\(studyC)/series/\(studyC).1/instances")).count == 2)

        let study = try Answer.parts(try client.get(stow + "/\(studyC)"))
        #expect(study.map(\.body) == originals.prefix(3).map(\.bytes))
        #expect(study.first?.headers["Content-Type"]?.hasSuffix("transfer-syntax=\(TestPart10.explicitLittle)") == true)
        let implicit = try Answer.parts(try client.get(stow + "/\(studyC)/series/\(studyC).2"))
        #expect(
            implicit.first?.headers["Content-Type"] == "application/dicom; transfer-syntax=\(TestPart10.implicitLittle)"
        )
        let mr = try Answer.objects(try client.get(stow + "/\(studyC)/series/\(studyC).2/instances"))
        #expect(mr.count == 1 && Answer.value(mr[0], "00280010") == "32" && Answer.value(mr[0], "00200013") == "1")
        let one = try Answer.parts(try client.get(stow + "/\(studyD)/series/\(studyD).1/instances/\(studyD).1.1"))
        #expect(one.map(\.body) == [originals[3].bytes])

        let metadata = try Answer.objects(
            try client.get(stow + "/\(studyC)/series/\(studyC).1/instances/\(studyC).1.2/metadata"))
        #expect(metadata.count == 1)
        #expect(Answer.value(metadata[0], "00100020") == "PC")
        #expect(Answer.value(metadata[0], "00080018") == "\(studyC).1.2")
        if let uri = (metadata[0]["7FE00010"] as? [String: Any])?["BulkDataURI"] as? String {
            let path = String(uri.dropFirst("http://archive.test".count))
            let pixels = try Answer.parts(try client.get(path))
            #expect(pixels.count == 1)
            #expect(pixels.first?.body.count == 4096 * 2)
            let original = originals[1].bytes
            #expect(pixels.first?.body == Array(original[(original.count - 8192)...]))
        } else {
            Issue.record("pixel data has no BulkDataURI: \(metadata[0]["7FE00010"] ?? "absent")")
        }
    }

    static func singleBodyAndStudyPath(_ client: some TestClient) throws {
        let instance = TestPart10.instance(study: studyC, series: "\(studyC).9", sop: "\(studyC).9.1")
        let single = try client.post(stow, contentType: "application/dicom", body: instance)
        #expect(single.status == 200, "\(single.text)")
        let into = TestPart10.instance(study: studyC, series: "\(studyC).9", sop: "\(studyC).9.2")
        let foreign = TestPart10.instance(study: studyD, series: "\(studyD).9", sop: "\(studyD).9.1")
        let mixed = try client.post(
            stow + "/\(studyC)", contentType: TestMultipart.contentType, body: TestMultipart.body([into, foreign]))
        #expect(mixed.status == 202, "\(mixed.text)")
        #expect(try failureReasons(mixed) == ["\(0xA900)"])
        #expect(try items(mixed, "00081198").first.flatMap { Answer.value($0, "00081155") } == "\(studyD).9.1")
        let onlyForeign = try client.post(
            stow + "/\(studyC)", contentType: TestMultipart.contentType, body: TestMultipart.body([foreign]))
        #expect(onlyForeign.status == 409)
        #expect(try client.get(stow + "/\(studyD)").status == 404, "the foreign instance was not stored")
        let noTypeParameter = try client.post(
            stow, contentType: "multipart/related; boundary=\(TestMultipart.boundary)",
            body: TestMultipart.body([into], partType: nil))
        #expect(noTypeParameter.status == 202, "stored already, a warning: \(noTypeParameter.text)")
    }

    static func idempotentAndConflict(_ client: some TestClient, objects: () throws -> [String]) throws {
        let original = TestPart10.instance(study: studyC, series: "\(studyC).1", sop: "\(studyC).1.1")
        #expect(try client.post(stow, contentType: "application/dicom", body: original).status == 200)
        let before = try objects()
        let again = try client.post(stow, contentType: "application/dicom", body: original)
        #expect(again.status == 202, "already stored is a warning (PS3.18 §10.5.3.1)")
        #expect(try items(again, "00081199").first.flatMap { Answer.value($0, "00081196") } == "\(0x0111)")
        #expect(try objects() == before)

        let other = TestPart10.instance(study: studyC, series: "\(studyC).1", sop: "\(studyC).1.1", number: 7)
        let conflict = try client.post(stow, contentType: "application/dicom", body: other)
        #expect(conflict.status == 409, "\(conflict.text)")
        #expect(try failureReasons(conflict) == ["\(0x0111)"])
        #expect(try objects() == before, "the conflicting object was taken back")
        let served = try Answer.parts(try client.get(stow + "/\(studyC)/series/\(studyC).1/instances/\(studyC).1.1"))
        #expect(served.map(\.body) == [original])
    }

    /// Each hostile part, alone and next to a valid instance, fails with its reason; nothing else changes.
    static func hostileParts(_ client: some TestClient, objects: () throws -> [String]) throws {
        let valid = TestPart10.instance(study: studyC, series: "\(studyC).1", sop: "\(studyC).1.1")
        #expect(try client.post(stow, contentType: "application/dicom", body: valid).status == 200)
        let uid = "\(studyC).5.5"
        let header = Array(TestPart10.instance(study: studyC, series: "\(studyC).5", sop: uid).dropLast(1024 + 8 + 4))
        var hostile: [(String, [UInt8], UInt16)] = [
            (
                "not DICOM",
                Array("this is a text file, not a DICOM instance at all.".utf8) + [UInt8](repeating: 7, count: 300),
                0xC000
            ),
            ("empty", [], 0xC000),
            (
                "truncated", Array(TestPart10.instance(study: studyC, series: "\(studyC).5", sop: uid).dropLast(100)),
                0xC000
            ),
            (
                "length past end",
                header + TestPart10.element(0x0009_1010, "OB", [1, 2, 3, 4], declaredLength: 100_000), 0xC000
            ),
            (
                "4 GiB length",
                header + TestPart10.element(0x0009_1010, "OB", [1, 2, 3, 4], declaredLength: 0xFFFF_FFF0), 0xC000
            ),
            (
                "nested 10,000 deep",
                TestPart10.file(
                    sopInstanceUID: uid,
                    dataSet: TestPart10.text(0x0008_0018, "UI", uid) + TestPart10.nestedSequences(depth: 10_000)),
                0xC000
            ),
            (
                "no SOP Instance UID",
                TestPart10.file(sopInstanceUID: uid, dataSet: TestPart10.text(0x0010_0020, "LO", "X")), 0xA900
            ),
        ]
        hostile.append(
            (
                "said to be deflated, but not",
                TestPart10.file(
                    sopInstanceUID: uid, transferSyntax: "1.2.840.10008.1.2.1.99",
                    dataSet: TestPart10.text(0x0010_0020, "LO", "NOT-DEFLATED")),
                0xC000
            ))
        let before = try objects()
        let studiesBefore = try client.get(stow).body
        for (name, part, reason) in hostile {
            let alone = try client.post(stow, contentType: TestMultipart.contentType, body: TestMultipart.body([part]))
            #expect(alone.status == 409, "\(name): \(alone.text)")
            let reasons = try failureReasons(alone)
            #expect(reasons.count == 1, "\(name)")
            #expect(reasons == ["\(reason)"], "\(name): \(alone.text)")
            let comment = try items(alone, "00081198").first.flatMap { Answer.value($0, "00000902") } ?? ""
            #expect(!comment.isEmpty, "\(name) has a reason in words")
            let mixed = try client.post(
                stow, contentType: TestMultipart.contentType, body: TestMultipart.body([part, valid]))
            #expect(mixed.status == 202, "\(name) next to a valid instance: \(mixed.text)")
            #expect(try objects() == before, "\(name) left no object")
            #expect(try client.get(stow).body == studiesBefore, "\(name) left the catalog unchanged")
        }
        let wrongType = try client.post(
            stow, contentType: TestMultipart.contentType, body: TestMultipart.body([valid], partType: "text/plain"))
        #expect(wrongType.status == 409)
    }

    /// Broken framing or media types fail the whole request, and nothing is stored.
    static func framing(_ client: some TestClient, objects: () throws -> [String]) throws {
        let valid = TestPart10.instance(study: studyC, series: "\(studyC).1", sop: "\(studyC).1.1")
        let cases: [(String, String, [UInt8], Int)] = [
            ("no boundary", "multipart/related; type=\"application/dicom\"", TestMultipart.body([valid]), 400),
            (
                "wrong boundary", "multipart/related; type=\"application/dicom\"; boundary=other",
                TestMultipart.body([valid]), 400
            ),
            ("ends early", TestMultipart.contentType, TestMultipart.body([valid], closes: false), 400),
            ("cut mid-part", TestMultipart.contentType, Array(TestMultipart.body([valid, valid]).dropLast(700)), 400),
            ("no parts", TestMultipart.contentType, Array("--\(TestMultipart.boundary)--\r\n".utf8), 400),
            ("JSON", "application/dicom+json", Array("[]".utf8), 415),
            ("other part type", "multipart/related; type=\"application/dicom+xml\"; boundary=b", [], 415),
        ]
        for (name, type, body, status) in cases {
            let response = try client.post(stow, contentType: type, body: body)
            #expect(response.status == status, "\(name): \(response.text)")
            #expect(!response.body.isEmpty, "\(name) gives a reason")
            #expect(try objects().isEmpty, "\(name) stored nothing")
        }
        let none = try client.send(method: "POST", target: stow, headers: HTTPHeaders(), body: valid)
        #expect(none.status == 415)
    }

    /// Tokens: 401 without or with a wrong token, 403 for a reader storing, and the right roles pass.
    static func tokens(_ client: some TestClient) throws {
        let valid = TestPart10.instance(study: studyC, series: "\(studyC).1", sop: "\(studyC).1.1")
        let anonymous = try client.post(stow, contentType: "application/dicom", body: valid)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try client.get(stow).status == 401)
        #expect(try client.get(stow, headers: [("Authorization", "Bearer wrong")]).status == 401)
        let reader = [("Authorization", "Bearer reader-token")]
        #expect(try client.post(stow, contentType: "application/dicom", body: valid, headers: reader).status == 403)
        #expect(try client.get(stow, headers: reader).text == "[]")
        let writer = [("Authorization", "Bearer writer-token")]
        #expect(try client.post(stow, contentType: "application/dicom", body: valid, headers: writer).status == 200)
        #expect(try Answer.objects(try client.get(stow, headers: [("Authorization", "Bearer admin-token")])).count == 1)
    }
}

@Suite struct StoreTests {
    func run(allowsAnonymous: Bool = true, _ body: (InProcessClient, DICOMwebFixture) throws -> Void) throws {
        let fixture = try DICOMwebFixture(allowsAnonymous: allowsAnonymous)
        try body(fixture.client, fixture)
    }

    @Test("several instances stored in one request come back through QIDO, WADO, metadata and bulk data")
    func storeThenFind() throws { try run { client, _ in try StoreBodies.storeThenFind(client) } }

    @Test("a single application/dicom body; POST /studies/{study} refuses instances of another study")
    func singleBodyAndStudyPath() throws { try run { client, _ in try StoreBodies.singleBodyAndStudyPath(client) } }

    @Test("re-storing identical bytes is idempotent; other bytes under the same UID are a conflict")
    func idempotentAndConflict() throws {
        try run { client, fixture in try StoreBodies.idempotentAndConflict(client, objects: fixture.storedObjects) }
    }

    @Test("hostile parts fail alone with a reason and leave catalog and store unchanged")
    func hostileParts() throws {
        try run { client, fixture in try StoreBodies.hostileParts(client, objects: fixture.storedObjects) }
    }

    @Test("broken framing is 400 for the whole request, wrong media types 415")
    func framing() throws {
        try run { client, fixture in try StoreBodies.framing(client, objects: fixture.storedObjects) }
    }

    @Test("bearer tokens: 401 without a valid one, 403 for a reader storing")
    func tokens() throws { try run(allowsAnonymous: false) { client, _ in try StoreBodies.tokens(client) } }
}
