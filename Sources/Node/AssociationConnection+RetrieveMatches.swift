// Which stored instances a C-GET or C-MOVE identifier names (PS3.4 C.4.2.2.1, C.4.3.2.1): the unique key of its
// level (Patient ID, or lists of Study, Series or SOP Instance UIDs), narrowed by the unique keys given above it.
import Catalog
import DICOM
import DIMSE

extension AssociationConnection {
    /// The unique keys of the levels, top down.
    private static let uniqueKeys: [(level: QueryIdentifier.Level, tag: DICOMTag)] = [
        (.patient, .patientID), (.study, .studyInstanceUID), (.series, .seriesInstanceUID), (.image, .sopInstanceUID),
    ]

    /// The stored instances `identifier` names, study by study in the catalogue's order. Throws `DIMSEError`
    /// (`invalidIdentifier`) when the level's unique key is missing or has wildcards, `CatalogError` when the
    /// catalogue fails, and `RetrieveTooLarge` past `retrieveInstanceCountMax`.
    func retrieveInstances(_ identifier: QueryIdentifier) throws -> [CatalogStoredInstance] {
        var filters: [(tag: UInt32, value: String)] = []
        for key in Self.uniqueKeys {
            let value = identifier.keys.valueString(key.tag) ?? ""
            if key.level == identifier.level && value.isEmpty {
                throw DIMSEError(
                    .invalidIdentifier,
                    "a \(identifier.level.rawValue) retrieve needs \(DataDictionary.describe(key.tag))")
            }
            guard !value.isEmpty else { continue }
            guard !value.contains("*") && !value.contains("?") else {
                throw DIMSEError(
                    .invalidIdentifier, "\(DataDictionary.describe(key.tag)) has a wildcard: '\(value)'")
            }
            filters.append((key.tag.rawValue, value))
            if key.level == identifier.level { break }
        }
        let level: CatalogLevel =
            switch identifier.level {
            case .patient, .study: .study
            case .series: .series
            case .image: .instance
            }
        let matches = try context.catalog.query(
            CatalogQuery(level: level, filters: filters, limit: CatalogQuery.limitMax))
        let limit = context.settings.retrieveInstanceCountMax
        var instances: [CatalogStoredInstance] = []
        for match in matches {
            instances += try context.catalog.instances(
                studyInstanceUID: match.attributes[DICOMTag.studyInstanceUID.rawValue] ?? "",
                seriesInstanceUID: level >= .series ? match.attributes[DICOMTag.seriesInstanceUID.rawValue] : nil,
                sopInstanceUID: level == .instance ? match.attributes[DICOMTag.sopInstanceUID.rawValue] : nil,
                includingMetadata: false)
            guard instances.count <= limit else { throw RetrieveTooLarge(limit: limit) }
        }
        return instances
    }
}

/// A retrieve naming more instances than one may send.
struct RetrieveTooLarge: Error, CustomStringConvertible {
    let limit: Int

    var description: String { "the identifier names more than \(limit) instances; retrieve series by series" }
}
