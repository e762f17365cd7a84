// Compiles a CatalogQuery into one SQL statement and its bindings (PS3.4 C.2.2.2 matching, PS3.18 §8.3.4 paging).
// Pure: no connection here, so every matching rule is testable on the SQL text it produces.
import SQLite

/// The SQL of one query, its bindings, and how to read its rows.
struct CatalogQueryPlan {
    /// The SELECT statement, with `?` parameters.
    let sql: String
    /// The values for the parameters, in order.
    let bindings: [SQLValue]
    /// The attributes of the result columns 0..<returned.count, in order. At instance level the record's columns
    /// follow: manifest, length, transfer syntax, origin site, version.
    let returned: [CatalogAttribute]

    /// The record columns appended at instance level.
    static let recordColumns = ["i.manifest", "i.length_bytes", "i.transfer_syntax_uid", "i.origin_site", "i.version"]

    /// Plans `query`, or throws `.badQuery` / `.unsupportedAttribute` naming the attribute and value at fault.
    init(_ query: CatalogQuery) throws(CatalogError) {
        guard (1...CatalogQuery.limitMax).contains(query.limit) else {
            throw CatalogError(.badQuery, "limit \(query.limit) is outside 1...\(CatalogQuery.limitMax)")
        }
        guard query.offset >= 0 else { throw CatalogError(.badQuery, "offset \(query.offset) is negative") }
        guard query.filters.count <= CatalogQuery.filterCountMax else {
            throw CatalogError(
                .badQuery, "\(query.filters.count) filters exceed the limit of \(CatalogQuery.filterCountMax)")
        }
        guard query.seriesInstanceUID == nil || query.level == .instance else {
            throw CatalogError(.badQuery, "a series UID restricts only instance-level queries, not \(query.level)")
        }
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        if let uid = query.studyInstanceUID {
            conditions.append("st.study_instance_uid = ?")
            bindings.append(.text(uid))
        }
        if let uid = query.seriesInstanceUID {
            conditions.append("se.series_instance_uid = ?")
            bindings.append(.text(uid))
        }
        for filter in query.filters {
            let attribute = try Self.attribute(filter.tag, at: query.level)
            guard let match = try AttributeMatch.parse(filter.value, for: attribute) else { continue }
            conditions.append(Self.condition(match, on: attribute.matchColumn, bindings: &bindings))
        }
        returned = CatalogAttribute.returned(at: query.level)
        var columns = returned.map(\.column)
        if query.level == .instance { columns += Self.recordColumns }
        var sql = "SELECT " + columns.joined(separator: ", ") + " FROM " + Self.tables(query.level)
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY " + Self.order(query.level) + " LIMIT ? OFFSET ?"
        bindings += [.integer(Int64(query.limit)), .integer(Int64(query.offset))]
        self.sql = sql
        self.bindings = bindings
    }

    /// The registry entry for `tag`, if it may be matched at `level`.
    static func attribute(_ tag: UInt32, at level: CatalogLevel) throws(CatalogError) -> CatalogAttribute {
        guard let attribute = CatalogAttribute.byTag[tag] else {
            throw CatalogError(
                .unsupportedAttribute, "attribute \(CatalogTag.text(tag)) is not indexed by the catalog", tag: tag)
        }
        guard attribute.level <= level else {
            throw CatalogError(
                .unsupportedAttribute,
                "attribute \(attribute.name) is a \(attribute.level)-level attribute, not matched at \(level) level",
                tag: tag)
        }
        return attribute
    }

    /// The FROM clause of `level`: the level's table joined to every level above it.
    static func tables(_ level: CatalogLevel) -> String {
        let studies = " JOIN studies st ON st.id = se.study_key"
        switch level {
        case .study: return "studies st"
        case .series: return "series se" + studies
        case .instance: return "instances i JOIN series se ON se.id = i.series_key" + studies
        }
    }

    /// The stable result order of `level`, a function of the catalogued values alone (never of the order rows
    /// arrived in), so a catalog rebuilt from the store, or another node's, answers in the same order: studies
    /// newest first (StudyDate, StudyTime, then StudyInstanceUID), series by study UID then SeriesNumber then UID,
    /// instances by series UID then InstanceNumber then UID.
    static func order(_ level: CatalogLevel) -> String {
        switch level {
        case .study: "st.study_date DESC, st.study_time_key DESC, st.study_instance_uid DESC"
        case .series:
            "st.study_instance_uid, se.series_number IS NULL, se.series_number, se.series_instance_uid"
        case .instance:
            "se.series_instance_uid, i.instance_number IS NULL, i.instance_number, i.sop_instance_uid"
        }
    }

    /// The SQL condition for `match` on `column`, appending its bindings.
    static func condition(_ match: AttributeMatch, on column: String, bindings: inout [SQLValue]) -> String {
        switch match {
        case .equal(let value):
            bindings.append(.text(value))
            return "\(column) = ?"
        case .glob(let pattern):
            bindings.append(.text(pattern))
            return "\(column) GLOB ?"
        case .range(let low, let high):
            var parts = ["\(column) <> ''"]
            if let low {
                parts.append("\(column) >= ?")
                bindings.append(.text(low))
            }
            if let high {
                parts.append("\(column) <= ?")
                bindings.append(.text(high))
            }
            return "(" + parts.joined(separator: " AND ") + ")"
        case .list(let values):
            bindings += values.map { .text($0) }
            return "\(column) IN (" + Array(repeating: "?", count: values.count).joined(separator: ", ") + ")"
        case .integer(let number):
            bindings.append(.integer(number))
            return "\(column) = ?"
        case .anyModality(let values):
            let alternatives = values.map { condition($0, on: "ms.modality", bindings: &bindings) }
            return "EXISTS (SELECT 1 FROM series ms WHERE ms.study_key = st.id AND ("
                + alternatives.joined(separator: " OR ") + "))"
        }
    }
}
