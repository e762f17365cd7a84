// The tags DICOMweb itself writes into responses (PS3.18 Annex I, §10.6.3) and reads from headers, as UInt32 the
// way the catalog takes them. Names and VRs of everything else come from the DICOM module's dictionary.

/// Tags used by the DICOMweb services, 0xGGGGEEEE.
public enum DICOMwebTag {
    /// Error Comment (0000,0902) LO: the reason of a failed or warned STOW-RS part in words.
    public static let errorComment: UInt32 = 0x0000_0902
    /// SOP Class UID (0008,0016) UI.
    public static let sopClassUID: UInt32 = 0x0008_0016
    /// SOP Instance UID (0008,0018) UI.
    public static let sopInstanceUID: UInt32 = 0x0008_0018
    /// Referenced SOP Class UID (0008,1150) UI.
    public static let referencedSOPClassUID: UInt32 = 0x0008_1150
    /// Referenced SOP Instance UID (0008,1155) UI.
    public static let referencedSOPInstanceUID: UInt32 = 0x0008_1155
    /// Retrieve URL (0008,1190) UR.
    public static let retrieveURL: UInt32 = 0x0008_1190
    /// Warning Reason (0008,1196) US.
    public static let warningReason: UInt32 = 0x0008_1196
    /// Failure Reason (0008,1197) US.
    public static let failureReason: UInt32 = 0x0008_1197
    /// Failed SOP Sequence (0008,1198) SQ.
    public static let failedSOPSequence: UInt32 = 0x0008_1198
    /// Referenced SOP Sequence (0008,1199) SQ.
    public static let referencedSOPSequence: UInt32 = 0x0008_1199
    /// Study Instance UID (0020,000D) UI.
    public static let studyInstanceUID: UInt32 = 0x0020_000D
    /// Series Instance UID (0020,000E) UI.
    public static let seriesInstanceUID: UInt32 = 0x0020_000E
    /// Transfer Syntax UID (0002,0010) UI.
    public static let transferSyntaxUID: UInt32 = 0x0002_0010
}
