// Wraps the DICOM module's streaming Part-10 reader for STOW-RS: fed each buffer of a part, it validates the whole
// stream and yields what the catalog needs from the header (attributes as tag → DICOM string, the transfer syntax,
// the identifying UIDs) and the header's DICOM JSON with BulkDataURIs pointing at this service.
import DICOM

/// What STOW-RS keeps from an accepted instance's header.
struct InstanceHeader: Sendable {
    /// Attributes for the catalog: tag → value in DICOM string form, multiple values joined by "\\".
    var attributes: [UInt32: String]
    /// The transfer syntax of the stored bytes.
    var transferSyntaxUID: String
    var studyInstanceUID: String
    var seriesInstanceUID: String
    var sopInstanceUID: String
    var sopClassUID: String
    /// The DICOM JSON object of the header (PS3.18 Annex F).
    var metadata: [UInt8]
}

/// Checks one Part-10 stream as it passes and extracts its header.
struct InstanceInspector {
    /// Where BulkDataURIs point: the service's path prefix.
    let pathPrefix: String
    /// The header, as soon as the reader has seen all of it (possibly before the end of the stream).
    private(set) var header: InstanceHeader?

    init(pathPrefix: String) {
        self.pathPrefix = pathPrefix
    }

    /// Feeds the next bytes of the stream.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        throw DICOMParseError(.notDICOM, "the DICOM reader is not wired yet")
    }

    /// Ends the stream: the reader checks it is complete, and the header is returned.
    mutating func finish() throws -> InstanceHeader {
        throw DICOMParseError(.truncated, "the DICOM reader is not wired yet")
    }
}
