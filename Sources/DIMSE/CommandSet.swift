// A DIMSE command set (PS3.7 §6.3, §9.3, §E.1) as a value: the group 0000 elements the C-services use. The codec is
// in CommandSet+Coding.swift; which fields each message requires is checked there, on decode.

/// One command: its type, identifiers, status and sub-operation counts.
public struct CommandSet: Sendable, Equatable {
    /// Command Field (0000,0100).
    public var field: CommandField
    /// Message ID (0000,0110), on requests.
    public var messageID: UInt16?
    /// Message ID Being Responded To (0000,0120), on responses and C-CANCEL.
    public var respondedMessageID: UInt16?
    /// Affected SOP Class UID (0000,0002).
    public var affectedSOPClassUID: String?
    /// Affected SOP Instance UID (0000,1000).
    public var affectedSOPInstanceUID: String?
    /// Priority (0000,0700): 0 medium, 1 high, 2 low.
    public var priority: UInt16?
    /// Whether a data set follows: Command Data Set Type (0000,0800) other than 0101H.
    public var hasDataSet: Bool
    /// Status (0000,0900), on responses (PS3.7 Annex C).
    public var status: UInt16?
    /// Move Destination (0000,0600), on C-MOVE-RQ.
    public var moveDestination: AETitle?
    /// Move Originator Application Entity Title (0000,1030), on a C-STORE-RQ a C-MOVE caused.
    public var moveOriginatorAETitle: AETitle?
    /// Move Originator Message ID (0000,1031).
    public var moveOriginatorMessageID: UInt16?
    /// Number of Remaining Sub-operations (0000,1020).
    public var remainingCount: UInt16?
    /// Number of Completed Sub-operations (0000,1021).
    public var completedCount: UInt16?
    /// Number of Failed Sub-operations (0000,1022).
    public var failedCount: UInt16?
    /// Number of Warning Sub-operations (0000,1023).
    public var warningCount: UInt16?
    /// Error Comment (0000,0902): why a request failed, at most 64 characters.
    public var errorComment: String?
    /// Offending Element (0000,0901): the tags at fault, as group << 16 | element.
    public var offendingElements: [UInt32]?

    /// Makes a command of `field`; the other fields start absent.
    public init(field: CommandField, hasDataSet: Bool) {
        self.field = field
        self.hasDataSet = hasDataSet
    }

    /// The Command Data Set Type meaning "no data set" (PS3.7 §E.1).
    public static let noDataSet: UInt16 = 0x0101
}
