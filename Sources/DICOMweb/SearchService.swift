// QIDO-RS (PS3.18 §10.6): turns a search request into a catalog query and the matches into a DICOM JSON array with
// the attributes PS3.18 §10.6.3.3 returns at each level, plus RetrieveURL. An empty result is 200 with `[]`, as
// current editions of PS3.18 (§11.9.3.1 in 2026a) say; older editions answered 204.
import Catalog
import DICOM
import HTTP

/// Answers QIDO-RS searches at study, series and instance level.
struct SearchService {
    let context: ServiceContext

    /// Answers a search for `level` entities, scoped by the `study` and `series` UIDs of the path.
    func search(
        _ request: HTTPRequestHead, level: ResourceLevel, study: String?, series: String?,
        response: inout some HTTPResponseWriter
    ) throws {
        let accept = request.headers.values("Accept").joined(separator: ", ")
        try RetrieveNegotiation.checkJSON(accept: accept.isEmpty ? nil : accept)
        var parameters = try SearchParameters.parse(
            request.queryItems, limitDefault: context.configuration.searchLimitDefault,
            limitMax: min(context.configuration.searchLimitMax, CatalogQuery.limitMax))
        var filters: [(tag: UInt32, value: String)] = []
        for filter in parameters.filters {
            let attribute = SearchAttribute.byTag[filter.tag]!
            guard attribute.level.depth <= level.depth else {
                parameters.warnings.append(
                    "\(CatalogTag.text(filter.tag)) is a \(attribute.level) attribute and cannot filter "
                        + "\(level) results; it was ignored")
                continue
            }
            filters.append((filter.tag, filter.value))
        }
        // Without a `limit`, one match more than the default is asked for, to tell whether the default cut the
        // answer: a client that gave no limit expects everything, so a cut one says so (PS3.18 §8.3.4.4.1).
        let probesBeyond = parameters.isLimitDefault && parameters.limit < CatalogQuery.limitMax
        let query = CatalogQuery(
            level: level.catalogLevel, studyInstanceUID: study, seriesInstanceUID: series, filters: filters,
            limit: parameters.limit + (probesBeyond ? 1 : 0), offset: parameters.offset)
        var matches: [CatalogMatch]
        do {
            matches = try context.catalog.query(query)
        } catch {
            throw Self.map(error)
        }
        if probesBeyond && matches.count > parameters.limit {
            matches.removeLast(matches.count - parameters.limit)
            parameters.warnings.append(Self.cutWarning(limit: parameters.limit, offset: parameters.offset))
        }
        let returned = returnedTags(
            level: level, scopedByStudy: study != nil, scopedBySeries: series != nil,
            parameters: parameters)
        let origin = BulkDataLocation.origin(of: context.baseURL)
        var writer = JSONWriter()
        writer.beginArray()
        for match in matches {
            var object = object(for: match, level: level, tags: returned)
            try includeStored(parameters, match: match, level: level, origin: origin, into: &object)
            object.write(to: &writer)
        }
        writer.endArray()
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/dicom+json")
        for warning in parameters.warnings { headers.add("Warning", "299 tessera \"\(Self.quoted(warning))\"") }
        try ResponseBody.write(writer.bytes, status: 200, headers: headers, to: &response)
    }

    /// The tags each result carries: the defaults of its level, those of the levels above not fixed by the path,
    /// the filtered attributes and the included fields (PS3.18 §10.6.3.3).
    func returnedTags(level: ResourceLevel, scopedByStudy: Bool, scopedBySeries: Bool, parameters: SearchParameters)
        -> [SearchAttribute]
    {
        let wanted = Set(parameters.filters.map(\.tag)).union(parameters.includedTags)
        return SearchAttribute.all.filter { attribute in
            guard attribute.level.depth <= level.depth else { return false }
            if parameters.includesAll || wanted.contains(attribute.tag) { return true }
            guard attribute.isDefault else { return false }
            switch attribute.level {
            case level: return true
            case .study: return !scopedByStudy
            case .series: return !scopedBySeries
            case .instance: return false
            }
        }
    }

    /// One result as DICOM JSON.
    func object(for match: CatalogMatch, level: ResourceLevel, tags: [SearchAttribute]) -> DICOMJSONObject {
        var object = DICOMJSONObject()
        for attribute in tags {
            object.set(attribute.tag, vr: attribute.vr, dicomString: match.attributes[attribute.tag] ?? "")
        }
        let study = match.attributes[DICOMTag.studyInstanceUID.rawValue] ?? ""
        let series = level.depth >= 1 ? match.attributes[DICOMTag.seriesInstanceUID.rawValue] : nil
        let instance = level.depth >= 2 ? match.attributes[DICOMTag.sopInstanceUID.rawValue] : nil
        object.set(
            DICOMTag.retrieveURL.rawValue, vr: "UR",
            [.string(context.retrieveURL(study: study, series: series, instance: instance))])
        object.set(SearchAttribute.instanceAvailability, vr: "CS", [.string("ONLINE")])
        return object
    }

    /// Adds the included attributes the catalog does not index, from the stored DICOM JSON of the match's instance
    /// (at study and series level, its first instance's), private ones too; `includefield=all` adds every stored
    /// attribute at instance level only, where they all belong to the result. An instance whose header this node
    /// does not hold (learned from the region) adds nothing.
    func includeStored(
        _ parameters: SearchParameters, match: CatalogMatch, level: ResourceLevel, origin: String,
        into object: inout DICOMJSONObject
    ) throws {
        let isAll = parameters.includesAll && level == .instance
        guard isAll || !parameters.storedTags.isEmpty else { return }
        let study = match.attributes[DICOMTag.studyInstanceUID.rawValue] ?? ""
        let instances: [CatalogStoredInstance]
        do {
            instances = try context.catalog.instances(
                studyInstanceUID: study,
                seriesInstanceUID: level.depth >= 1 ? match.attributes[DICOMTag.seriesInstanceUID.rawValue] : nil,
                sopInstanceUID: level.depth >= 2 ? match.attributes[DICOMTag.sopInstanceUID.rawValue] : nil,
                includingMetadata: true, limit: 1)
        } catch {
            throw Self.map(error)
        }
        guard let metadata = instances.first?.metadata, !metadata.isEmpty else { return }
        for member in StoredJSONMembers.members(of: BulkDataLocation.absolutize(metadata, origin: origin))
        where isAll || parameters.storedTags.contains(member.tag) {
            if object.attributes[member.tag] == nil { object.setRaw(member.tag, json: Array(member.value)) }
        }
    }

    /// The warning for an answer the default limit cut: how many were returned and how to ask for the rest.
    static func cutWarning(limit: Int, offset: Int) -> String {
        "The number of results exceeded this node's default limit of \(limit); additional results can be "
            + "requested with offset=\(offset + limit) (or a larger limit)"
    }

    /// A catalog failure as the HTTP answer: a bad value is the client's 400, anything else ours.
    static func map(_ error: CatalogError) -> DICOMwebError {
        switch error.code {
        case .badQuery, .unsupportedAttribute: DICOMwebError(.badRequest, error.message)
        default: DICOMwebError(.internalFailure, "the catalog failed: \(error.message)")
        }
    }

    /// `text` safe inside a quoted-string (RFC 9110 §5.6.4): quotes and backslashes escaped, controls dropped.
    static func quoted(_ text: String) -> String {
        var result = ""
        for character in text where character.asciiValue.map({ $0 >= 0x20 && $0 < 0x7F }) ?? false {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}

extension ResourceLevel {
    /// The catalog's name for the level.
    var catalogLevel: CatalogLevel {
        switch self {
        case .study: .study
        case .series: .series
        case .instance: .instance
        }
    }
}
