// The one error type of the DIMSE module's codecs: PDUs, their items, command sets and the fragments that carry them.
// Each error names what was wrong and where, and maps to the A-ABORT reason the association ends with (PS3.8 §9.3.8).

/// Bad or oversized DICOM upper-layer or DIMSE input; `abortReason` is how the association ends because of it.
public struct DIMSEError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong; the set is closed, so tests can match on it.
    public enum Code: Sendable, Equatable {
        /// A PDU type this protocol does not define (PS3.8 §9.3.1).
        case unrecognizedPDU
        /// A PDU that is valid but not allowed in the association's state (PS3.8 §9.2, "unexpected PDU").
        case unexpectedPDU
        /// A PDU whose length is past the limit: the negotiated maximum for P-DATA, `DIMSELimits` for the others.
        case pduTooLarge
        /// A PDU or item whose fields do not follow PS3.8 §9.3: lengths past their end, bad values, missing items.
        case invalidParameter
        /// An item or sub-item type PS3.8 does not define where it was found.
        case unrecognizedParameter
        /// An item where PS3.8 allows none of its kind, or one repeated that may appear once.
        case unexpectedParameter
        /// A command set or its fragments that do not follow PS3.7 §6.3 and §9.
        case invalidCommand
        /// A C-FIND, C-GET or C-MOVE identifier that cannot be read or does not fit the SOP class (PS3.4 C.4):
        /// answered with a failure status, never an abort.
        case invalidIdentifier
    }

    /// What was wrong.
    public let code: Code
    /// A sentence naming the field, the offset and the limit involved.
    public let message: String

    /// Makes an error with its code and sentence.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The A-ABORT reason a provider sends for this error (PS3.8 Table 9-26, source 2).
    public var abortReason: AssociationAbort.Reason {
        switch code {
        case .unrecognizedPDU: .unrecognizedPDU
        case .unexpectedPDU: .unexpectedPDU
        case .unrecognizedParameter: .unrecognizedParameter
        case .unexpectedParameter: .unexpectedParameter
        case .pduTooLarge, .invalidParameter, .invalidCommand, .invalidIdentifier: .invalidParameterValue
        }
    }

    public var description: String { message }
}
