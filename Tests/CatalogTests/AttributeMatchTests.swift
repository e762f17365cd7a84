import SQLite
import Testing

// Goal: filter values parse into the PS3.4 C.2.2.2 matching kinds their value representation allows, and the query
// plan restricts and pages in SQL. Method: parse values directly and inspect the planned SQL and bindings.
@testable import Catalog

@Suite struct AttributeMatchTests {
    func parse(_ tag: UInt32, _ value: String) throws -> AttributeMatch? {
        try AttributeMatch.parse(value, for: try #require(CatalogAttribute.byTag[tag]))
    }

    @Test("values parse into single, wildcard, range and list matches")
    func kinds() throws {
        #expect(try parse(CatalogTag.patientID, "  ") == nil)
        #expect(try parse(CatalogTag.patientID, "AB ") == .equal("AB"))
        #expect(try parse(CatalogTag.patientID, "A[1]*") == .glob("A[[]1[]]*"))
        #expect(try parse(CatalogTag.patientName, "Doe^J*") == .glob("doe^j*"))
        #expect(try parse(CatalogTag.studyDate, "2020.01.02-") == .range(low: "20200102", high: nil))
        #expect(try parse(CatalogTag.studyTime, "1030") == .range(low: "103000.000000", high: "103059.999999"))
        #expect(try parse(CatalogTag.studyTime, "-10:30:15.5") == .range(low: nil, high: "103015.599999"))
        #expect(try parse(CatalogTag.sopInstanceUID, "1.2, 3.4\\5") == .list(["1.2", "3.4", "5"]))
        #expect(try parse(CatalogTag.instanceNumber, "12") == .integer(12))
        #expect(try parse(CatalogTag.modalitiesInStudy, "CT\\M*") == .anyModality([.equal("CT"), .glob("M*")]))
    }

    @Test("the plan joins the levels above, orders stably and pages with bound parameters")
    func plan() throws {
        let plan = try CatalogQueryPlan(
            CatalogQuery(
                level: .series, studyInstanceUID: "1.2", filters: [(CatalogTag.patientID, "P")], limit: 10,
                offset: 20))
        #expect(plan.sql.contains("FROM series se JOIN studies st ON st.id = se.study_key WHERE"))
        #expect(plan.sql.contains("st.patient_id = ?"))
        #expect(
            plan.sql.hasSuffix(
                "ORDER BY st.study_instance_uid, se.series_number IS NULL, se.series_number, "
                    + "se.series_instance_uid LIMIT ? OFFSET ?"))
        #expect(plan.bindings == [.text("1.2"), .text("P"), .integer(10), .integer(20)])
    }
}
