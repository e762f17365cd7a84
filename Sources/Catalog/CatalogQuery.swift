// A QIDO-RS search as the catalog takes it (PS3.18 §8.3.4): a level, the UIDs from the path, attribute filters,
// and paging. DICOMweb builds it from the request; the catalog matches it.

/// One search of the catalog.
public struct CatalogQuery: Sendable {
    /// The most matches one query may ask for.
    public static let limitMax = 100_000
    /// The most filters one query may carry.
    public static let filterCountMax = 64

    /// The level whose entities are returned.
    public var level: CatalogLevel
    /// Restricts the search to one study (the `{study}` of `/studies/{study}/series`).
    public var studyInstanceUID: String?
    /// Restricts the search to one series; only at instance level.
    public var seriesInstanceUID: String?
    /// Attribute filters, all of which must match: tag 0xGGGGEEEE and value in DICOM string form. An empty value
    /// is universal matching. Filters on a higher level's attributes are allowed (PatientID at series level).
    public var filters: [(tag: UInt32, value: String)]
    /// The most matches returned, 1...limitMax.
    public var limit: Int
    /// How many matches to skip first, for paging.
    public var offset: Int

    /// Makes a query.
    public init(
        level: CatalogLevel, studyInstanceUID: String? = nil, seriesInstanceUID: String? = nil,
        filters: [(tag: UInt32, value: String)] = [], limit: Int = 100, offset: Int = 0
    ) {
        self.level = level
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.filters = filters
        self.limit = limit
        self.offset = offset
    }
}
