// Goal: QIDO-RS answers every documented path with the right matches and attributes: exact, wildcard, date range,
// UID list, by keyword and by tag, includefield, limit/offset, unknown parameters warned about, bad values refused.
// Method: two seeded studies; each body takes a TestClient, so it runs in-process and over a live socket.
import DICOMweb
import HTTP
import Testing

/// Search test bodies, independent of how requests reach the responder.
enum SearchBodies {
    static let studies = "/dicom-web/studies"

    static func uids(_ response: TestResponse, _ tag: String) throws -> [String] {
        try Answer.objects(response).map { Answer.value($0, tag) ?? "" }
    }

    static func studyLevel(_ client: some TestClient) throws {
        let all = try client.get(studies)
        #expect(all.status == 200)
        #expect(all.headers["Content-Type"] == "application/dicom+json")
        let objects = try Answer.objects(all)
        #expect(objects.count == 2)
        let a = try #require(objects.first { Answer.value($0, "0020000D") == DICOMwebFixture.studyA })
        #expect(Answer.value(a, "00100020") == "P1")
        #expect(Answer.value(a, "00100010") == "Doe^Jane")
        #expect(Answer.value(a, "00201206") == "2")
        #expect(Answer.value(a, "00201208") == "5")
        #expect(Answer.value(a, "00080056") == "ONLINE")
        #expect(Answer.value(a, "00081190") == "http://archive.test/dicom-web/studies/\(DICOMwebFixture.studyA)")
        #expect((a["00080061"] as? [String: Any])?["Value"] as? [String] == ["CT", "MR"])
        #expect(a["00081030"] == nil, "StudyDescription is not returned by default")

        let cases: [(String, [String])] = [
            ("PatientID=P1", [DICOMwebFixture.studyA]),
            ("00100020=P2", [DICOMwebFixture.studyB]),
            ("PatientName=doe*", [DICOMwebFixture.studyA]),
            ("PatientName=R?e^Richard", [DICOMwebFixture.studyB]),
            ("StudyDate=20240101-20241231", [DICOMwebFixture.studyA]),
            ("StudyDate=-20231231", [DICOMwebFixture.studyB]),
            (
                "StudyInstanceUID=\(DICOMwebFixture.studyA),\(DICOMwebFixture.studyB)",
                [DICOMwebFixture.studyA, DICOMwebFixture.studyB]
            ),
            (
                "StudyInstanceUID=\(DICOMwebFixture.studyA)&StudyInstanceUID=\(DICOMwebFixture.studyB)",
                [DICOMwebFixture.studyA, DICOMwebFixture.studyB]
            ),
            ("ModalitiesInStudy=MR", [DICOMwebFixture.studyA]),
            ("ModalitiesInStudy=CT&PatientID=P2", [DICOMwebFixture.studyB]),
            ("PatientID=nobody", []),
            ("fuzzymatching=false&PatientID=P1", [DICOMwebFixture.studyA]),
        ]
        for (query, expected) in cases {
            let response = try client.get(studies + "?" + query)
            #expect(response.status == 200, "\(query): \(response.text)")
            #expect(try uids(response, "0020000D").sorted() == expected.sorted(), "\(query)")
        }
        let empty = try client.get(studies + "?PatientID=nobody")
        #expect(empty.text == "[]")
    }

    static func includeAndPaging(_ client: some TestClient) throws {
        let included = try Answer.objects(
            try client.get(studies + "?PatientID=P1&includefield=StudyDescription,00080050"))
        #expect(Answer.value(included[0], "00081030") == "Study 0")
        let all = try Answer.objects(try client.get(studies + "?includefield=all"))
        #expect(all.allSatisfy { $0["00081030"] != nil && $0["00100021"] != nil })
        let first = try uids(try client.get(studies + "?limit=1"), "0020000D")
        let second = try uids(try client.get(studies + "?limit=1&offset=1"), "0020000D")
        #expect(first.count == 1 && second.count == 1 && first != second)
        #expect(try uids(try client.get(studies + "?offset=2"), "0020000D").isEmpty)
        let warned = try client.get(studies + "?NoSuchKeyword=1&PatientID=P1&fuzzymatching=true")
        #expect(warned.status == 200)
        #expect(warned.headers.values("Warning").count == 2)
        #expect(warned.headers.values("Warning").allSatisfy { $0.hasPrefix("299 ") })
        #expect(try uids(warned, "0020000D") == [DICOMwebFixture.studyA])
    }

    /// With a default limit of one and two studies: the cut answer says so, a whole one does not.
    static func defaultLimitCut(_ client: some TestClient) throws {
        let cut = try client.get(studies)
        #expect(cut.status == 200)
        #expect(try uids(cut, "0020000D").count == 1)
        let warnings = cut.headers.values("Warning")
        #expect(warnings.count == 1, "\(warnings)")
        #expect(
            warnings.first.map { $0.hasPrefix("299 ") && $0.contains("default limit of 1") && $0.contains("offset=1") }
                == true, "\(warnings)")
        let last = try client.get(studies + "?offset=1")
        #expect(try uids(last, "0020000D").count == 1)
        #expect(last.headers.values("Warning").isEmpty, "the last page is whole")
        let asked = try client.get(studies + "?limit=1")
        #expect(asked.headers.values("Warning").isEmpty, "a limit the client gave is not warned about")
        let one = try client.get(studies + "?PatientID=P1")
        #expect(try uids(one, "0020000D") == [DICOMwebFixture.studyA])
        #expect(one.headers.values("Warning").isEmpty, "fewer matches than the default limit")
    }

    static func badParameters(_ client: some TestClient) throws {
        for (query, named) in [
            ("limit=abc", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"), ("StudyDate=2024", "StudyDate"),
            ("StudyDate=20240101-20230101", "StudyDate"), ("StudyInstanceUID=1.2.*", "StudyInstanceUID"),
            ("fuzzymatching=maybe", "fuzzymatching"), ("PatientID=a&PatientID=b", "PatientID"),
        ] {
            let response = try client.get(studies + "?" + query)
            #expect(response.status == 400, "\(query)")
            #expect(response.text.contains(named), "\(query): \(response.text)")
        }
    }

    static func seriesAndInstanceLevels(_ client: some TestClient) throws {
        let a = DICOMwebFixture.studyA
        let inStudy = try client.get(studies + "/\(a)/series")
        #expect(try uids(inStudy, "0020000E").sorted() == ["\(a).1", "\(a).2"])
        #expect(try Answer.objects(inStudy).allSatisfy { $0["00100020"] == nil }, "study attributes only when unscoped")
        #expect(try uids(try client.get(studies + "/\(a)/series?Modality=MR"), "0020000E") == ["\(a).2"])
        let allSeries = try client.get("/dicom-web/series?Modality=CT")
        #expect(try uids(allSeries, "0020000E").count == 2)
        #expect(try Answer.objects(allSeries).allSatisfy { $0["00100020"] != nil && $0["00081190"] != nil })
        let seriesURL = try Answer.objects(try client.get(studies + "/\(a)/series?SeriesNumber=2"))[0]
        #expect(Answer.value(seriesURL, "00081190") == "http://archive.test/dicom-web/studies/\(a)/series/\(a).2")

        #expect(try uids(try client.get(studies + "/\(a)/series/\(a).1/instances"), "00080018").count == 3)
        let inStudyInstances = try client.get(studies + "/\(a)/instances")
        #expect(try uids(inStudyInstances, "00080018").count == 5)
        #expect(try Answer.objects(inStudyInstances).allSatisfy { $0["0020000E"] != nil && $0["00100020"] == nil })
        let one = try Answer.objects(try client.get("/dicom-web/instances?SOPInstanceUID=\(a).2.2"))
        #expect(one.count == 1)
        #expect(
            Answer.value(one[0], "00081190")
                == "http://archive.test/dicom-web/studies/\(a)/series/\(a).2/instances/\(a).2.2")
        #expect(Answer.value(one[0], "00100020") == "P1")
        #expect(try uids(try client.get("/dicom-web/instances?InstanceNumber=1"), "00080018").count == 3)
    }
}

@Suite struct SearchTests {
    func run(_ body: (InProcessClient) throws -> Void) throws {
        let fixture = try DICOMwebFixture()
        try fixture.seed()
        try body(fixture.client)
    }

    @Test("study search: defaults, exact, wildcard, date range, UID list, tag keys, empty result")
    func studyLevel() throws { try run(SearchBodies.studyLevel) }

    @Test("includefield, limit and offset; unknown parameters are ignored with Warning 299")
    func includeAndPaging() throws { try run(SearchBodies.includeAndPaging) }

    @Test("an answer the default limit cuts carries Warning 299; a whole answer carries none")
    func defaultLimitCut() throws {
        let fixture = try DICOMwebFixture { $0.searchLimitDefault = 1 }
        try fixture.seed()
        try SearchBodies.defaultLimitCut(fixture.client)
        let whole = try DICOMwebFixture { $0.searchLimitDefault = 2 }
        try whole.seed()
        let answer = try whole.client.get(SearchBodies.studies)
        #expect(try SearchBodies.uids(answer, "0020000D").count == 2)
        #expect(answer.headers.values("Warning").isEmpty, "exactly the default limit of matches is not cut")
    }

    @Test("bad parameter values are 400 naming the parameter")
    func badParameters() throws { try run(SearchBodies.badParameters) }

    @Test("series and instance searches at every path, scoped and unscoped")
    func seriesAndInstanceLevels() throws { try run(SearchBodies.seriesAndInstanceLevels) }
}
