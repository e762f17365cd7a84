// Why a frame cannot be rendered or an image cannot be encoded: a sentence naming what is wrong, for the 406 or
// 500 the caller answers with.

/// A frame that cannot be rendered, or an encoder that failed.
public struct ImagingError: Error, Equatable, Sendable {
    /// Whether the cause is the image (its attributes or pixels) or the encoder library.
    public enum Kind: Sendable, Equatable {
        /// The image has attributes this renderer does not handle, or that contradict each other.
        case unrenderable
        /// libjpeg-turbo or zlib reported a failure.
        case encoderFailure
    }

    public let kind: Kind
    /// What was wrong, in words.
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}
