// One PDV of a P-DATA-TF PDU (PS3.8 §9.3.5.1, Annex E): a fragment of a command or of a data set on one
// presentation context, with the flag saying whether it is the last.

/// A fragment of a message on one presentation context.
public struct PresentationDataValue: Sendable, Equatable {
    /// The presentation context identifier.
    public var contextID: UInt8
    /// Whether the fragment is of a command set (else of a data set).
    public var isCommand: Bool
    /// Whether it is the last fragment of its command or data set.
    public var isLast: Bool
    /// The fragment's bytes.
    public var bytes: [UInt8]

    /// Makes a PDV.
    public init(contextID: UInt8, isCommand: Bool, isLast: Bool, bytes: [UInt8]) {
        self.contextID = contextID
        self.isCommand = isCommand
        self.isLast = isLast
        self.bytes = bytes
    }

    /// The bytes a PDV adds to a P-DATA-TF variable field besides its data: item length, context and header.
    public static let overheadBytes = 6

    /// The message control header byte (PS3.8 Annex E.2): bit 0 command, bit 1 last.
    var controlHeader: UInt8 { (isCommand ? 1 : 0) | (isLast ? 2 : 0) }
}
