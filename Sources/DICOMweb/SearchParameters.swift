// Reads the query parameters of a QIDO-RS request (PS3.18 §8.3.4): attribute filters by keyword or tag,
// includefield, limit, offset and fuzzymatching. Unknown or unindexed attributes are ignored with a warning
// (PS3.18 §8.3.4.1, answered as `Warning: 299`); malformed values are a 400 naming the parameter. Pure.
import DICOM

/// A QIDO-RS request's parameters, checked.
struct SearchParameters: Equatable {
    /// Filters in request order: tag and value as given.
    var filters: [Filter] = []
    /// Attributes to return beyond the defaults, from the catalog.
    var includedTags: Set<UInt32> = []
    /// Attributes to return that the catalog does not index, from the stored DICOM JSON of an instance.
    var storedTags: Set<UInt32> = []
    /// Whether `includefield=all` was given.
    var includesAll = false
    /// The most results.
    var limit: Int
    /// Whether `limit` is the node's default because the request gave none: a cut answer is then warned about.
    var isLimitDefault = true
    /// Results to skip.
    var offset = 0
    /// Sentences for the `Warning: 299` header: parameters ignored and why.
    var warnings: [String] = []

    /// One attribute filter.
    struct Filter: Equatable {
        let tag: UInt32
        let value: String
    }

    /// The most query parameters one request may carry.
    static let parameterCountMax = 256

    /// Parses `items`; `limitDefault` applies without a `limit`, and a larger `limit` than `limitMax` is lowered to
    /// it with a warning.
    static func parse(_ items: [(name: String, value: String)], limitDefault: Int, limitMax: Int)
        throws(DICOMwebError) -> SearchParameters
    {
        guard items.count <= parameterCountMax else {
            throw DICOMwebError(.badRequest, "the query has \(items.count) parameters; at most \(parameterCountMax)")
        }
        var parameters = SearchParameters(limit: limitDefault)
        var seen: Set<UInt32> = []
        for (name, value) in items {
            switch name {
            case "limit":
                guard let limit = Int(value), limit > 0 else {
                    throw DICOMwebError(.badRequest, "limit must be a positive integer, not \"\(value)\"")
                }
                if limit > limitMax {
                    parameters.warnings.append("limit \(limit) lowered to this node's maximum \(limitMax)")
                }
                parameters.limit = min(limit, limitMax)
                parameters.isLimitDefault = false
            case "offset":
                guard let offset = Int(value), offset >= 0 else {
                    throw DICOMwebError(.badRequest, "offset must be a non-negative integer, not \"\(value)\"")
                }
                parameters.offset = offset
            case "fuzzymatching":
                guard value == "true" || value == "false" else {
                    throw DICOMwebError(.badRequest, "fuzzymatching must be true or false, not \"\(value)\"")
                }
                if value == "true" { parameters.warnings.append("fuzzymatching is not supported and was ignored") }
            case "includefield":
                try parameters.include(value)
            default:
                guard let tag = resolve(name) else {
                    parameters.warnings.append("\(name) is not a known attribute and was ignored")
                    continue
                }
                guard SearchAttribute.byTag[tag] != nil else {
                    parameters.warnings.append("\(name) is not a searchable attribute and was ignored")
                    continue
                }
                if seen.insert(tag).inserted {
                    parameters.filters.append(Filter(tag: tag, value: value))
                } else {
                    try parameters.extendList(tag: tag, name: name, with: value)
                }
            }
        }
        return parameters
    }

    /// A repeated UID or ModalitiesInStudy parameter widens its list (`StudyInstanceUID=a&StudyInstanceUID=b` is
    /// `a\\b`), as dicomweb-client sends lists; any other repeated attribute is ambiguous and a 400.
    private mutating func extendList(tag: UInt32, name: String, with value: String) throws(DICOMwebError) {
        let isList = DataDictionary.vr(for: DICOMTag(tag)) == .UI || tag == DICOMTag.modalitiesInStudy.rawValue
        guard isList, let index = filters.firstIndex(where: { $0.tag == tag }) else {
            throw DICOMwebError(.badRequest, "the attribute \(name) is given more than once")
        }
        filters[index] = Filter(tag: tag, value: filters[index].value + "\\" + value)
    }

    /// Adds an includefield value: `all`, or keywords and tags separated by commas.
    private mutating func include(_ value: String) throws(DICOMwebError) {
        for piece in value.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(piece.trimmingSpaces)
            if name == "all" {
                includesAll = true
                continue
            }
            guard !name.isEmpty else { throw DICOMwebError(.badRequest, "includefield has an empty value") }
            guard let tag = Self.resolve(name) else {
                warnings.append("includefield \(name) is not a known attribute and was ignored")
                continue
            }
            if SearchAttribute.byTag[tag] == nil {
                storedTags.insert(tag)
                continue
            }
            includedTags.insert(tag)
        }
    }

    /// The tag named by a keyword (`PatientID`) or eight hexadecimal digits (`00100020`); nil when unknown.
    static func resolve(_ name: String) -> UInt32? {
        if name.utf8.count == 8, let tag = DICOMTag(hexString: name) { return tag.rawValue }
        return DataDictionary.tag(forKeyword: name)?.rawValue
    }
}
