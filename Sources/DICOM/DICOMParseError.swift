// The one error the DICOM module throws (STYLE.md, "Errors"): a closed set of codes with a message that names the
// offset, tag, keyword and limit involved, so a STOW-RS client can be told exactly what was wrong.

/// Why a byte stream is not a DICOM Part-10 file we accept.
public struct DICOMParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Equatable {
        /// No preamble and "DICM" prefix (PS3.10 §7.1).
        case notDICOM
        /// The file meta group has no Transfer Syntax UID (0002,0010).
        case missingTransferSyntax
        /// The Transfer Syntax UID is not a UID.
        case invalidTransferSyntax
        /// A transfer syntax we recognise but do not decode.
        case unsupportedTransferSyntax
        /// The file meta group is malformed (wrong VR for a meta element, a meta element after the data set).
        case invalidMetaInformation
        /// The stream ended before the data set did.
        case truncated
        /// An element's declared length runs past the end of the item, sequence or group that holds it.
        case lengthPastEnd
        /// A length that PS3.5 forbids: odd where values must be even, undefined where it must be defined, or a
        /// delimiter with a non-zero length.
        case invalidLength
        /// An item or delimitation tag (FFFE,xxxx) where none is allowed.
        case unexpectedItem
        /// An explicit-VR header whose VR bytes are not letters.
        case invalidVR
        /// The header (element headers and inline values) outgrew `DICOMLimits.headerBytesMax`.
        case headerTooLarge
        /// A declared value length exceeds `DICOMLimits.elementValueBytesMax`.
        case valueTooLarge
        /// Sequences nest deeper than `DICOMLimits.sequenceDepthMax`.
        case nestingTooDeep
        /// More elements than `DICOMLimits.elementCountMax`.
        case tooManyElements
        /// The stream is longer than `DICOMLimits.inputBytesMax` (a deflated one: once inflated).
        case inputTooLarge
        /// A deflated data set (PS3.5 §A.5) that zlib cannot inflate.
        case corruptDeflate
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence saying what was wrong, naming offset, tag, keyword and limit where they apply.
    public let message: String
    /// The offset in the stream the failure refers to, when there is one.
    public let offset: Int64?

    /// Makes an error.
    public init(_ code: Code, _ message: String, offset: Int64? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
