// The Status (0000,0900) values the archive's C-services answer with (PS3.7 Annex C, PS3.4 Tables B.2-1, C.4-1,
// C.4-2, C.4-3): named once here, so the service code and its tests read as the standard does.

/// DIMSE status codes.
public enum DIMSEStatus {
    /// The operation completed.
    public static let success: UInt16 = 0x0000
    /// C-FIND, C-GET, C-MOVE: more responses follow.
    public static let pending: UInt16 = 0xFF00
    /// C-FIND: more responses follow, and some optional keys were not supported.
    public static let pendingWithWarnings: UInt16 = 0xFF01
    /// The operation was cancelled by C-CANCEL.
    public static let cancel: UInt16 = 0xFE00
    /// C-STORE: refused, out of resources (a full disk, too few volumes).
    public static let outOfResources: UInt16 = 0xA700
    /// C-GET, C-MOVE: refused, out of resources, unable to calculate the number of matches.
    public static let outOfResourcesCalculatingMatches: UInt16 = 0xA701
    /// C-GET, C-MOVE: refused, out of resources, unable to perform the sub-operations.
    public static let outOfResourcesPerformingSubOperations: UInt16 = 0xA702
    /// C-MOVE: refused, the move destination is not known.
    public static let moveDestinationUnknown: UInt16 = 0xA801
    /// The identifier or data set does not match the SOP class.
    public static let dataSetDoesNotMatchSOPClass: UInt16 = 0xA900
    /// The SCP cannot understand or process the request.
    public static let unableToProcess: UInt16 = 0xC000
    /// C-STORE: stored, with elements coerced.
    public static let coercionOfDataElements: UInt16 = 0xB000
    /// C-GET, C-MOVE: the sub-operations completed with one or more failures or warnings.
    public static let subOperationsCompleteWithFailures: UInt16 = 0xB000
    /// C-STORE: stored, but the data set does not match the SOP class in every respect.
    public static let dataSetDoesNotMatchSOPClassWarning: UInt16 = 0xB007
    /// C-STORE: stored, with elements discarded.
    public static let elementsDiscarded: UInt16 = 0xB006
    /// The SOP class is not supported on this context.
    public static let sopClassNotSupported: UInt16 = 0x0122
    /// Processing failure: the store or catalog failed for another reason.
    public static let processingFailure: UInt16 = 0x0110
    /// Duplicate SOP instance (PS3.7 C.5).
    public static let duplicateSOPInstance: UInt16 = 0x0111

    /// Whether `status` means more responses follow.
    public static func isPending(_ status: UInt16) -> Bool { status == pending || status == pendingWithWarnings }

    /// Whether `status` is a failure (refused, error, or cancel), rather than success, warning or pending.
    public static func isFailure(_ status: UInt16) -> Bool {
        switch status >> 12 {
        case 0xA, 0xC: return true
        case 0xB: return false
        case 0xF: return status == cancel
        default:
            // Warnings: Bxxx, 0001H (optional attributes not supported), 0107H and 0116H (PS3.7 C.4.1, C.4.2).
            return status != success && status >> 12 != 0xB && ![0x0001, 0x0107, 0x0116].contains(status)
        }
    }
}
