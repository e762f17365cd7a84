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
    /// The DICOM JSON object of the header (PS3.18 Annex F); empty until the stream is finished.
    var metadata: [UInt8] = []
}

/// Checks one Part-10 stream as it passes and extracts its header.
struct InstanceInspector {
    /// Where BulkDataURIs point: the service's path prefix.
    let pathPrefix: String
    private var reader: Part10Reader
    /// The header, as soon as the reader has seen all of it (at Pixel Data, or at the end of the stream).
    private(set) var header: InstanceHeader?

    /// Whether an instance the archive could not serve back as it is gets refused (`checkConsistency`): true when
    /// admitting new instances, false when re-reading ones already stored (a catalog rebuild), which were
    /// acknowledged under the rules of their day and must not vanish from the catalog.
    let checksConsistency: Bool

    init(pathPrefix: String, limits: DICOMLimits = .standard, checksConsistency: Bool = true) {
        self.pathPrefix = pathPrefix
        self.checksConsistency = checksConsistency
        reader = Part10Reader(limits: limits)
    }

    /// Feeds the next bytes of the stream; throws DICOMParseError or PartRejection.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
        try reader.feed(bytes)
        if header == nil, let parsed = reader.header {
            header = try Self.header(of: parsed, checksConsistency: checksConsistency)
        }
    }

    /// Ends the stream: the reader checks it is complete, and the header with its metadata is returned.
    mutating func finish() throws -> InstanceHeader {
        let parsed = try reader.finish()
        var complete = try Self.header(of: parsed, checksConsistency: checksConsistency)
        let location = (
            prefix: pathPrefix, study: complete.studyInstanceUID, series: complete.seriesInstanceUID,
            instance: complete.sopInstanceUID
        )
        // A deflated file's offsets count inflated bytes, so its bulk values have no byte range in the stored file.
        let hasRanges = !parsed.transferSyntax.isDeflated
        complete.metadata = DICOMJSON.encode(parsed.dataSet) { _, element in
            guard hasRanges, let reference = element.bulkData, let length = reference.length else { return nil }
            return BulkDataLocation.path(
                pathPrefix: location.prefix, study: location.study, series: location.series,
                instance: location.instance, offset: UInt64(reference.offset), length: UInt64(length))
        }
        header = complete
        return complete
    }

    /// The catalog's view of a header; refuses one without valid identifying UIDs (Failure Reason A900), or, when
    /// `checksConsistency`, one the archive could not serve back as it is (`checkConsistency`).
    static func header(of parsed: Part10Header, checksConsistency: Bool) throws(PartRejection) -> InstanceHeader {
        let dataSet = parsed.dataSet
        func uid(_ tag: DICOMTag, _ keyword: String) throws(PartRejection) -> String {
            guard let value = dataSet.string(tag), !value.isEmpty else {
                throw PartRejection(
                    failureReason: StoreStatusCode.dataSetDoesNotMatchSOPClass,
                    comment: "the instance has no \(keyword) \(tag), which every instance must have")
            }
            guard UID.isValid(value) else {
                throw PartRejection(
                    failureReason: StoreStatusCode.dataSetDoesNotMatchSOPClass,
                    comment: "the instance's \(keyword) \(tag) \"\(value.prefix(80))\" is not a valid UID")
            }
            return value
        }
        let study = try uid(.studyInstanceUID, "StudyInstanceUID")
        let series = try uid(.seriesInstanceUID, "SeriesInstanceUID")
        let sop = try uid(.sopInstanceUID, "SOPInstanceUID")
        let sopClass = try uid(.sopClassUID, "SOPClassUID")
        do {
            if checksConsistency { try checkConsistency(parsed, sopInstanceUID: sop, sopClassUID: sopClass) }
        } catch {
            var named = error
            (named.sopClassUID, named.sopInstanceUID) = (sopClass, sop)
            throw named
        }
        var attributes: [UInt32: String] = [:]
        for attribute in SearchAttribute.all {
            let tag = DICOMTag(attribute.tag)
            guard let element = dataSet[tag] else { continue }
            if element.vr.isText || element.vr == .UN, let text = dataSet.string(tag) {
                attributes[attribute.tag] = text
            } else {
                attributes[attribute.tag] = dataSet.integers(tag).map(String.init).joined(separator: "\\")
            }
        }
        // The identifying UIDs as checked, whatever VR the file gave them (UN in some files).
        attributes[DICOMTag.studyInstanceUID.rawValue] = study
        attributes[DICOMTag.seriesInstanceUID.rawValue] = series
        attributes[DICOMTag.sopInstanceUID.rawValue] = sop
        attributes[DICOMTag.sopClassUID.rawValue] = sopClass
        return InstanceHeader(
            attributes: attributes, transferSyntaxUID: parsed.transferSyntax.uid, studyInstanceUID: study,
            seriesInstanceUID: series, sopInstanceUID: sop, sopClassUID: sopClass)
    }
}
