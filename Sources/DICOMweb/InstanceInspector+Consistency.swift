// What STOW-RS refuses because it could not honestly serve it back (PS3.18 §10.5.3): a transfer syntax this archive
// does not know, a file meta group that names another instance or SOP class than its data set, and pixel data
// whose encoding contradicts the declared syntax. Pure; the reader's own errors are StorePartSource's to map.
import DICOM

extension InstanceInspector {
    /// Refuses an instance whose header contradicts itself or names a transfer syntax no client could be told.
    ///
    /// Runs on the header as soon as the reader publishes it (at Pixel Data, or at the end of the stream), so a
    /// refusal comes before the pixel data is stored. `sopInstanceUID` and `sopClassUID` are the data set's,
    /// already checked to be valid UIDs.
    static func checkConsistency(
        _ parsed: Part10Header, sopInstanceUID: String, sopClassUID: String
    ) throws(PartRejection) {
        let syntax = parsed.transferSyntax
        // The reader takes any well-formed UID as an encapsulated syntax so it can walk the file; WADO-RS could
        // not say what such bytes are, so the archive keeps only the syntaxes it knows (PS3.5 Annex A).
        guard TransferSyntax.known.contains(where: { $0.uid == syntax.uid }) else {
            throw PartRejection(
                failureReason: StoreStatusCode.transferSyntaxNotSupported,
                comment: "the transfer syntax \(syntax.uid) is not one this archive knows (PS3.5 Annex A)")
        }
        // PS3.10 §7.1: the meta group's Media Storage UIDs identify the data set it precedes.
        let meta = parsed.meta
        let pairs = [
            (
                meta.mediaStorageSOPInstanceUID, sopInstanceUID, "MediaStorageSOPInstanceUID (0002,0003)",
                "SOPInstanceUID"
            ),
            (meta.mediaStorageSOPClassUID, sopClassUID, "MediaStorageSOPClassUID (0002,0002)", "SOPClassUID"),
        ]
        for (metaValue, dataSetValue, metaName, dataSetName) in pairs {
            guard let metaValue, !metaValue.isEmpty, metaValue != dataSetValue else { continue }
            throw PartRejection(
                failureReason: StoreStatusCode.dataSetDoesNotMatchSOPClass,
                comment: "the file meta group's \(metaName) \"\(metaValue.prefix(64))\" differs from the data set's "
                    + "\(dataSetName) \"\(dataSetValue)\"")
        }
        try checkPixelEncoding(parsed)
    }

    /// Refuses top-level Pixel Data encapsulated under a native syntax, or native (and not empty) under an
    /// encapsulated one (PS3.5 §A.4): a reader of the stored file would misread it.
    private static func checkPixelEncoding(_ parsed: Part10Header) throws(PartRejection) {
        guard let pixels = parsed.pixelData else { return }
        let syntax = parsed.transferSyntax
        if pixels.isEncapsulated && !syntax.isEncapsulated {
            throw PartRejection(
                failureReason: StoreStatusCode.cannotUnderstand,
                comment: "Pixel Data (7FE0,0010) is encapsulated (undefined length) but the transfer syntax "
                    + "\(syntax) is native (PS3.5 §A.4)")
        }
        if !pixels.isEncapsulated && syntax.isEncapsulated && (pixels.length ?? 0) > 0 {
            throw PartRejection(
                failureReason: StoreStatusCode.cannotUnderstand,
                comment: "Pixel Data (7FE0,0010) has a defined length of \(pixels.length ?? 0) bytes but the transfer "
                    + "syntax \(syntax) encapsulates it (PS3.5 §A.4)")
        }
    }
}
