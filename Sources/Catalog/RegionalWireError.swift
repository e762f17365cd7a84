// Why bytes from a peer were not a valid regional catalog message, and where.

/// A regional catalog message that failed to decode: the byte offset and the reason.
public struct RegionalWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the message (or frame) the fault starts.
    public let offset: Int
    /// What was wrong, naming the field.
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "regional catalog message, byte \(offset): \(reason)" }
}
