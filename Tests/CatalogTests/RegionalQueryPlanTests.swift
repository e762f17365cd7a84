import SQLite
import TestSupport
import Testing

@testable import Catalog

// Goal: the regional catalog's per-instance lookups (the holders of an instance, a page of the copy audit's walk)
// seek by the primary key, so a walk and a remote read's holder lookup stay linear in the catalog's size. Without
// statistics SQLite preferred the covering index on (tombstone, version_clock) and scanned every live row for each
// instance: the chaos runner found each audit walk taking minutes at 7,000 instances.
// Method: a real catalog in a temp dir, `EXPLAIN QUERY PLAN` of the two queries as the catalog runs them.

@Suite struct RegionalQueryPlanTests {
    /// The detail column of each step of `query`'s plan.
    static func plan(_ catalog: Catalog, _ query: String) throws -> [String] {
        try catalog.withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("explaining a query") {
                var steps: [String] = []
                try reader.statement("EXPLAIN QUERY PLAN " + query).query([.text("2.25.1"), .integer(2)]) {
                    steps.append($0.text(at: 3))
                }
                return steps
            }
        }
    }

    @Test("the holders of an instance and a page of the walk seek by the primary key, with no sort")
    func primaryKey() throws {
        let test = try TestCatalog()
        for query in [Catalog.holdersQuery, Catalog.instancesPageQuery] {
            let steps = try Self.plan(test.catalog, query)
            #expect(steps.contains { $0.contains("USING PRIMARY KEY") }, "\(query): \(steps)")
            #expect(!steps.contains { $0.contains("regional_rows_by_tombstone") || $0.contains("TEMP B-TREE") })
        }
    }
}
