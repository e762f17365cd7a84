// One instance as WADO-RS needs it: where its bytes are, and its DICOM JSON header for /metadata.

/// An instance of a study, for retrieval.
public struct CatalogStoredInstance: Sendable, Equatable {
    /// The study's UID.
    public var studyInstanceUID: String
    /// The series' UID.
    public var seriesInstanceUID: String
    /// The instance's SOP Class UID.
    public var sopClassUID: String
    /// The instance's SOP Instance UID.
    public var sopInstanceUID: String
    /// Where its bytes are, how long, in which transfer syntax, from which site, at which version.
    public var record: CatalogInstanceRecord
    /// The DICOM JSON object of the instance header, verbatim as given to `insert` ([] when not asked for).
    public var metadata: [UInt8]

    /// Makes a stored instance.
    public init(
        studyInstanceUID: String, seriesInstanceUID: String, sopClassUID: String, sopInstanceUID: String,
        record: CatalogInstanceRecord, metadata: [UInt8]
    ) {
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.record = record
        self.metadata = metadata
    }
}
