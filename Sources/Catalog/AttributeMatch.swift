// One parsed QIDO filter value: which PS3.4 C.2.2.2 matching it asks for (single value, wildcard, range, UID list),
// checked against what the attribute's value representation allows. Pure; the query compiler turns it into SQL.

/// A filter value, parsed for one attribute. Universal matching (an empty value, or "*") parses to nil.
enum AttributeMatch: Equatable {
    /// Single value matching (C.2.2.2.1), on the match column's form of the value.
    case equal(String)
    /// Wildcard matching (C.2.2.2.4), as a SQLite GLOB pattern.
    case glob(String)
    /// Range matching (C.2.2.2.5): inclusive bounds on the match column, either open.
    case range(low: String?, high: String?)
    /// UID list matching (C.2.2.2.2).
    case list([String])
    /// Single value matching of an integer attribute.
    case integer(Int64)
    /// ModalitiesInStudy: any series' Modality matches one of these (each an `.equal` or `.glob`).
    case anyModality([AttributeMatch])

    /// The most values a UID list or modality list may hold.
    static let listCountMax = 1_000

    /// Parses `value` as a filter on `attribute`; nil for universal matching.
    static func parse(_ value: String, for attribute: CatalogAttribute) throws(CatalogError) -> AttributeMatch? {
        let text = StoredValue.trimmed(value)
        guard !text.isEmpty else { return nil }
        guard text.count <= StoredValue.characterCountMax else {
            throw bad(attribute, value, "is longer than \(StoredValue.characterCountMax) characters")
        }
        switch attribute.matching {
        case .text: return text == "*" ? nil : textMatch(text)
        case .personName: return text == "*" ? nil : textMatch(Substring(StoredValue.foldedPersonName(text)))
        case .date: return try dateMatch(text, attribute, value)
        case .time: return try timeMatch(text, attribute, value)
        case .uid: return try uidMatch(text, attribute, value)
        case .integer:
            guard let number = Int64(text) else { throw bad(attribute, value, "is not an integer") }
            return .integer(number)
        case .modalitiesInStudy:
            let values = text.split(whereSeparator: { $0 == "," || $0 == "\\" }).map { StoredValue.trimmed(String($0)) }
            guard values.count <= listCountMax else { throw bad(attribute, value, "lists over \(listCountMax) values") }
            if values.contains("*") || values.isEmpty { return nil }
            return .anyModality(values.map(textMatch))
        }
    }

    private static func textMatch(_ text: Substring) -> AttributeMatch {
        guard text.contains(where: { $0 == "*" || $0 == "?" }) else { return .equal(String(text)) }
        var pattern = ""
        for character in text {
            switch character {
            case "[": pattern += "[[]"
            case "]": pattern += "[]]"
            default: pattern.append(character)
            }
        }
        return .glob(pattern)
    }

    private static func dateMatch(_ text: Substring, _ attribute: CatalogAttribute, _ value: String)
        throws(CatalogError) -> AttributeMatch
    {
        let bounds = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
            .map { StoredValue.date($0) }
        for bound in bounds where !bound.isEmpty && !StoredValue.isDate(bound) {
            throw bad(attribute, value, "is not a date (YYYYMMDD) or date range (YYYYMMDD-YYYYMMDD)")
        }
        switch bounds.count {
        case 1: return .equal(bounds[0])
        case 2:
            guard !(bounds[0].isEmpty && bounds[1].isEmpty) else { throw bad(attribute, value, "has no bound") }
            guard bounds[0].isEmpty || bounds[1].isEmpty || bounds[0] <= bounds[1] else {
                throw bad(attribute, value, "has its lower bound after its upper bound")
            }
            return .range(low: bounds[0].isEmpty ? nil : bounds[0], high: bounds[1].isEmpty ? nil : bounds[1])
        default: throw bad(attribute, value, "has more than one '-'")
        }
    }

    private static func timeMatch(_ text: Substring, _ attribute: CatalogAttribute, _ value: String)
        throws(CatalogError) -> AttributeMatch
    {
        let bounds = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard bounds.count <= 2 else { throw bad(attribute, value, "has more than one '-'") }
        guard bounds.contains(where: { !$0.isEmpty }) else { throw bad(attribute, value, "has no bound") }
        let low = bounds[0].isEmpty ? nil : StoredValue.timeKey(bounds[0])
        let high = bounds[bounds.count - 1].isEmpty ? nil : StoredValue.timeKey(bounds[bounds.count - 1], padHigh: true)
        guard bounds[0].isEmpty || low != nil, bounds[bounds.count - 1].isEmpty || high != nil else {
            throw bad(attribute, value, "is not a time (HHMMSS.FFFFFF) or time range (HHMMSS-HHMMSS)")
        }
        if let low, let high, low > high { throw bad(attribute, value, "has its lower bound after its upper bound") }
        return .range(low: low, high: high)
    }

    private static func uidMatch(_ text: Substring, _ attribute: CatalogAttribute, _ value: String)
        throws(CatalogError) -> AttributeMatch
    {
        let uids = text.split(separator: ",", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "\\", omittingEmptySubsequences: false) }
            .map { String(StoredValue.trimmed(String($0))) }
        guard uids.count <= listCountMax else { throw bad(attribute, value, "lists over \(listCountMax) UIDs") }
        guard uids.allSatisfy(StoredValue.isUID) else {
            throw bad(attribute, value, "is not a UID or list of UIDs (digits and dots, at most 64 characters each)")
        }
        return uids.count == 1 ? .equal(uids[0]) : .list(uids)
    }

    private static func bad(_ attribute: CatalogAttribute, _ value: String, _ reason: String) -> CatalogError {
        let shown = value.count > 80 ? String(value.prefix(80)) + "…" : value
        return CatalogError(.badQuery, "\(attribute.name) value \"\(shown)\" \(reason)", tag: attribute.tag)
    }
}
