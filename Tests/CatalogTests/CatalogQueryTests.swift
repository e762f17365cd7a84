// Goal: every QIDO matching kind (PS3.4 C.2.2.2) works at every level, with hierarchy filters, ModalitiesInStudy,
// computed counts, paging and a stable order, and bad queries are named. Method: the four-study sample catalog;
// each expectation lists the UIDs that must come back, in order.
import Catalog
import Testing

@Suite struct CatalogQueryTests {
    let test: TestCatalog

    init() throws {
        test = try TestCatalog()
        try Sample.fill(test.catalog)
    }

    @Test("studies come newest first, empty dates last; limit and offset page through them")
    func orderAndPaging() throws {
        #expect(try test.studies([]) == [Sample.c, Sample.b, Sample.a, Sample.d])
        #expect(try test.studies([], limit: 2, offset: 1) == [Sample.b, Sample.a])
        #expect(try test.studies([], limit: 2, offset: 4) == [])
    }

    @Test("single value matching is exact and case-sensitive; universal matching matches all")
    func singleValue() throws {
        #expect(try test.studies([(CatalogTag.patientID, "P1")]) == [Sample.c, Sample.a])
        #expect(try test.studies([(CatalogTag.accessionNumber, "ACC2")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.accessionNumber, "acc2")]) == [])
        #expect(try test.studies([(CatalogTag.accessionNumber, "")]).count == 4)
        #expect(try test.studies([(CatalogTag.accessionNumber, "*")]).count == 4)
        #expect(
            try test.studies([(CatalogTag.patientSex, "M"), (CatalogTag.studyDescription, "CT Chest")]) == [
                Sample.a
            ])
    }

    @Test("person names match case-insensitively, ignoring empty trailing components, with wildcards")
    func personNames() throws {
        #expect(try test.studies([(CatalogTag.patientName, "doe^john")]) == [Sample.c, Sample.a])
        #expect(try test.studies([(CatalogTag.patientName, "Smith^Anna")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.patientName, "DOE*")]) == [Sample.c, Sample.a])
        #expect(try test.studies([(CatalogTag.patientName, "sm?th*")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.patientName, "O'BRIEN^ZOË")]) == [Sample.d])
        #expect(try test.studies([(CatalogTag.patientName, "doe")]) == [])
        #expect(try test.studies([(CatalogTag.referringPhysicianName, "house*")]).count == 4)
        let match = try #require(try test.catalog.query(CatalogQuery(level: .study, studyInstanceUID: Sample.b)).first)
        #expect(match.attributes[CatalogTag.patientName] == "SMITH^ANNA^^")
    }

    @Test("wildcards in text values; GLOB brackets are literal")
    func wildcards() throws {
        #expect(try test.studies([(CatalogTag.accessionNumber, "ACC*")]).count == 4)
        #expect(try test.studies([(CatalogTag.accessionNumber, "ACC?")]).count == 4)
        #expect(try test.studies([(CatalogTag.studyDescription, "CT *")]) == [Sample.c, Sample.a])
        #expect(try test.studies([(CatalogTag.studyDescription, "*Brain")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.studyDescription, "[CM]T*")]) == [])
    }

    @Test("date ranges: closed, open below, open above; empty dates never match a range")
    func dateRanges() throws {
        #expect(try test.studies([(CatalogTag.studyDate, "20210101-")]) == [Sample.c, Sample.b])
        #expect(try test.studies([(CatalogTag.studyDate, "-20201231")]) == [Sample.a])
        #expect(try test.studies([(CatalogTag.studyDate, "20200101-20211231")]) == [Sample.c, Sample.b, Sample.a])
        #expect(try test.studies([(CatalogTag.studyDate, "20210620")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.patientBirthDate, "19600101-19801231")]) == [Sample.c, Sample.a])
    }

    @Test("time ranges and single times match the span of their precision")
    func timeRanges() throws {
        #expect(try test.studies([(CatalogTag.studyTime, "08-09")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.studyTime, "1015")]) == [Sample.a])
        #expect(try test.studies([(CatalogTag.studyTime, "-0900")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.studyTime, "083000.25")]) == [Sample.b])
        #expect(try test.studies([(CatalogTag.studyTime, "2359-")]) == [Sample.c])
        let both = [(tag: CatalogTag.studyDate, value: "20200101-20211231"), (CatalogTag.studyTime, "10-23")]
        #expect(try test.studies(both) == [Sample.c, Sample.a])
    }

    @Test("UID lists separated by commas or backslashes")
    func uidLists() throws {
        #expect(try test.studies([(CatalogTag.studyInstanceUID, "\(Sample.a),\(Sample.c)")]) == [Sample.c, Sample.a])
        #expect(try test.studies([(CatalogTag.studyInstanceUID, "\(Sample.b)\\\(Sample.d)")]) == [Sample.b, Sample.d])
        #expect(try test.studies([(CatalogTag.studyInstanceUID, Sample.b)]) == [Sample.b])
        #expect(try test.series(study: Sample.a, [(CatalogTag.seriesInstanceUID, "1.2.3.1.2,9.9")]) == ["1.2.3.1.2"])
    }

    @Test("ModalitiesInStudy matches a study when any of its series does; counts are returned and matchable")
    func modalitiesAndCounts() throws {
        #expect(try test.studies([(CatalogTag.modalitiesInStudy, "MR")]) == [Sample.c, Sample.b])
        #expect(try test.studies([(CatalogTag.modalitiesInStudy, "CT\\US")]) == [Sample.c, Sample.a, Sample.d])
        #expect(try test.studies([(CatalogTag.modalitiesInStudy, "PR,MR")]) == [Sample.c, Sample.b, Sample.a])
        #expect(try test.studies([(CatalogTag.modalitiesInStudy, "M?")]) == [Sample.c, Sample.b])
        let studies = try test.catalog.query(CatalogQuery(level: .study))
        let a = try #require(studies.first { $0.attributes[CatalogTag.studyInstanceUID] == Sample.a })
        #expect(a.attributes[CatalogTag.modalitiesInStudy] == "CT\\PR")
        #expect(a.attributes[CatalogTag.numberOfStudyRelatedSeries] == "2")
        #expect(a.attributes[CatalogTag.numberOfStudyRelatedInstances] == "4")
        #expect(a.attributes[CatalogTag.studyID] == "")
        #expect(a.record == nil)
        #expect(try test.studies([(CatalogTag.numberOfStudyRelatedInstances, "4")]) == [Sample.a])
    }

    @Test("series level: by study, by higher-level attributes across studies, by series attributes")
    func seriesLevel() throws {
        #expect(try test.series(study: Sample.a, []) == ["1.2.3.1.1", "1.2.3.1.2"])
        #expect(
            try test.series([(CatalogTag.patientID, "P1")]) == ["1.2.3.1.1", "1.2.3.1.2", "1.2.3.3.2", "1.2.3.3.1"])
        #expect(try test.series([(CatalogTag.modality, "CT")]) == ["1.2.3.1.1", "1.2.3.3.1"])
        #expect(try test.series([(CatalogTag.seriesNumber, "5")]) == ["1.2.3.3.1"])
        #expect(
            try test.series([(CatalogTag.studyDate, "20210101-"), (CatalogTag.modality, "MR")]) == [
                "1.2.3.2.1", "1.2.3.3.2",
            ])
        let match = try #require(try test.catalog.query(CatalogQuery(level: .series, studyInstanceUID: Sample.b)).first)
        #expect(match.attributes[CatalogTag.numberOfSeriesRelatedInstances] == "2")
        #expect(match.attributes[CatalogTag.studyInstanceUID] == Sample.b)
        #expect(match.attributes[CatalogTag.sopInstanceUID] == nil)
    }

    @Test("instance level: ordered by instance number, filtered at every level above, with stored fields")
    func instanceLevel() throws {
        #expect(
            try test.instances(study: Sample.a, series: "1.2.3.1.1", []) == [
                "1.2.3.1.1.1", "1.2.3.1.1.2", "1.2.3.1.1.3",
            ])
        #expect(try test.instances(study: Sample.a, [(CatalogTag.instanceNumber, "2")]) == ["1.2.3.1.1.2"])
        #expect(try test.instances([(CatalogTag.rows, "512"), (CatalogTag.patientName, "doe*")]).count == 4)
        #expect(
            try test.instances([(CatalogTag.modality, "MR"), (CatalogTag.accessionNumber, "ACC2")]) == [
                "1.2.3.2.1.1", "1.2.3.2.1.2",
            ])
        #expect(try test.instances([(CatalogTag.sopClassUID, "1.2.840.10008.5.1.4.1.1.2")]).count == 9)
        let match = try #require(
            try test.catalog.query(
                CatalogQuery(level: .instance, filters: [(CatalogTag.sopInstanceUID, "1.2.3.4.1.1")])
            ).first)
        #expect(match.record?.manifestAddress == manifest(9))
        #expect(match.record?.lengthBytes == 1_009)
        #expect(match.record?.version == version(8))
        #expect(match.attributes[CatalogTag.modality] == "US")
        #expect(match.attributes[CatalogTag.patientID] == "P3")
    }

    @Test("unsupported attributes and malformed values are named")
    func badQueries() throws {
        let cases: [(level: CatalogLevel, tag: UInt32, value: String, code: CatalogError.Code, names: String)] = [
            (.study, 0x0008_1048, "x", .unsupportedAttribute, "(0008,1048)"),
            (.study, CatalogTag.modality, "CT", .unsupportedAttribute, "Modality (0008,0060) is a series-level"),
            (.series, CatalogTag.sopInstanceUID, "1.2", .unsupportedAttribute, "SOPInstanceUID"),
            (.study, CatalogTag.studyDate, "20211301", .badQuery, "StudyDate (0008,0020) value \"20211301\""),
            (.study, CatalogTag.studyDate, "20210101-20200101", .badQuery, "lower bound after"),
            (.study, CatalogTag.studyDate, "-", .badQuery, "no bound"),
            (.study, CatalogTag.studyDate, "2020*", .badQuery, "StudyDate"),
            (.study, CatalogTag.studyTime, "25", .badQuery, "StudyTime (0008,0030) value \"25\""),
            (.study, CatalogTag.studyInstanceUID, "1.2.*", .badQuery, "StudyInstanceUID"),
            (
                .series, CatalogTag.seriesNumber, "x", .badQuery,
                "SeriesNumber (0020,0011) value \"x\" is not an integer"
            ),
        ]
        for item in cases {
            let query = CatalogQuery(level: item.level, filters: [(item.tag, item.value)])
            let error = #expect(throws: CatalogError.self) { try test.catalog.query(query) }
            #expect(error?.code == item.code)
            #expect(error?.tag == item.tag)
            #expect(error?.message.contains(item.names) == true, "\(error?.message ?? "no error")")
        }
        for (limit, offset) in [(0, 0), (CatalogQuery.limitMax + 1, 0), (10, -1)] {
            let error = #expect(throws: CatalogError.self) {
                try test.catalog.query(CatalogQuery(level: .study, limit: limit, offset: offset))
            }
            #expect(error?.code == .badQuery)
        }
        #expect(Catalog.canMatch(tag: CatalogTag.patientID, at: .series))
        #expect(!Catalog.canMatch(tag: CatalogTag.modality, at: .study))
        #expect(!Catalog.canMatch(tag: 0x0008_1048, at: .instance))
        #expect(Catalog.returnedTags(at: .study).contains(CatalogTag.modalitiesInStudy))
        #expect(!Catalog.returnedTags(at: .series).contains(CatalogTag.sopInstanceUID))
        let series = CatalogQuery(level: .series, seriesInstanceUID: "1.2")
        #expect(throws: CatalogError.self) { try test.catalog.query(series) }
    }
}
