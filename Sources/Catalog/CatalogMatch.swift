// One result of a catalog search: the attributes of a study, series or instance, as QIDO-RS returns them.

/// One entity that matched a query.
public struct CatalogMatch: Sendable, Equatable {
    /// The level of the entity.
    public var level: CatalogLevel
    /// Its attributes and those of the levels above it, tag → DICOM string value ("" when empty), including the
    /// computed NumberOfStudyRelatedSeries/Instances, NumberOfSeriesRelatedInstances and ModalitiesInStudy
    /// ("CT\\MR", sorted). Every indexed attribute of those levels is present, so DICOMweb can return it empty.
    public var attributes: [UInt32: String]
    /// At instance level, the instance's stored fields; nil at study and series level.
    public var record: CatalogInstanceRecord?

    /// Makes a match.
    public init(level: CatalogLevel, attributes: [UInt32: String], record: CatalogInstanceRecord? = nil) {
        self.level = level
        self.attributes = attributes
        self.record = record
    }
}
