// A-ABORT (PS3.8 §9.3.8): the end of an association without release, by the user or by the provider with a reason.

/// An abort: who ended the association and, for the provider, why.
public struct AssociationAbort: Sendable, Equatable, CustomStringConvertible {
    /// Who aborts (PS3.8 Table 9-26).
    public enum Source: UInt8, Sendable, Equatable {
        /// The service user, the application on the other end.
        case serviceUser = 0
        /// The service provider, the upper layer itself.
        case serviceProvider = 2
    }

    /// Why the provider aborts (PS3.8 Table 9-26); the user gives none (0).
    public enum Reason: UInt8, Sendable, Equatable {
        /// No reason given.
        case notSpecified = 0
        /// A PDU type that does not exist.
        case unrecognizedPDU = 1
        /// A PDU not allowed in the association's state.
        case unexpectedPDU = 2
        /// An item type that does not exist.
        case unrecognizedParameter = 4
        /// An item not allowed where it was.
        case unexpectedParameter = 5
        /// A field with a value that is not allowed.
        case invalidParameterValue = 6
    }

    /// Who aborts.
    public var source: Source
    /// Why.
    public var reason: Reason

    /// Makes an abort.
    public init(source: Source, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    /// The abort this side's user sends (an operator's shutdown, a cancelled retrieve).
    public static let byUser = AssociationAbort(source: .serviceUser, reason: .notSpecified)

    public var description: String {
        source == .serviceUser ? "aborted by the peer's user" : "aborted by the upper layer: \(reason)"
    }
}
