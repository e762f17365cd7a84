// One instance as the catalog receives it from STOW-RS or C-STORE: attributes read from its header, plus where its
// bytes went. Uses tags and strings only, so the catalog does not depend on the DICOM module's types.

public import Primitives

/// An instance to catalogue.
///
/// `attributes` maps tags (0xGGGGEEEE, see `CatalogTag`) to values in DICOM string form: dates YYYYMMDD, times
/// HHMMSS.FFFFFF, person names Family^Given^…, multiple values joined with "\\". Only the tags the catalog indexes
/// are read; others are ignored, so the caller may pass the whole header. StudyInstanceUID, SeriesInstanceUID,
/// SOPInstanceUID and SOPClassUID are required; the computed counts and ModalitiesInStudy are ignored.
public struct CatalogInstance: Sendable {
    /// The instance's attributes by tag.
    public var attributes: [UInt32: String]
    /// The transfer syntax of the stored bytes.
    public var transferSyntaxUID: String
    /// The object-store address of the stored Part-10 file's manifest.
    public var manifestAddress: ChunkAddress
    /// The length of the stored Part-10 file in bytes.
    public var lengthBytes: Int64
    /// The site that first stored the instance (kept as its name in the origin_site column).
    public var originSite: SiteID
    /// The DICOM JSON object of the header (PS3.18 Annex F), returned verbatim by WADO-RS /metadata.
    public var metadata: [UInt8]

    /// The largest metadata blob accepted: a header's JSON, bulk data being referenced, not inlined.
    public static let metadataBytesMax = 16 << 20

    /// Makes an instance.
    public init(
        attributes: [UInt32: String], transferSyntaxUID: String, manifestAddress: ChunkAddress, lengthBytes: Int64,
        originSite: SiteID, metadata: [UInt8]
    ) {
        self.attributes = attributes
        self.transferSyntaxUID = transferSyntaxUID
        self.manifestAddress = manifestAddress
        self.lengthBytes = lengthBytes
        self.originSite = originSite
        self.metadata = metadata
    }

    /// The Study Instance UID without padding ("" when absent): what placement places by.
    public var studyInstanceUID: String { value(CatalogTag.studyInstanceUID) }
    /// The SOP Instance UID without padding ("" when absent).
    public var sopInstanceUID: String { value(CatalogTag.sopInstanceUID) }

    /// The value of `tag` without DICOM padding, "" when absent.
    func value(_ tag: UInt32) -> String { attributes[tag].map { String(StoredValue.trimmed($0)) } ?? "" }
}
