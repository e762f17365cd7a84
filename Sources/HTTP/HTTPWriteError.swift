// The error a response or request writer throws when asked to send something HTTP/1.1 cannot carry: an invalid
// field, a body longer or shorter than its Content-Length, writes out of order. Owns the error type only.

/// A message that cannot be sent as asked. These are bugs in the caller, so they end the connection.
public struct HTTPWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: Sendable, Equatable {
        /// A field name is not a token, or a value holds CR, LF or another control byte (header injection).
        case invalidField
        /// The status is outside 100…999 or the reason holds control bytes.
        case invalidStatus
        /// The method is not a token or the target holds whitespace or control bytes.
        case invalidRequestLine
        /// writeHead was called twice, or writeBody / finish before writeHead, or anything after finish.
        case outOfOrder
        /// More body bytes than the Content-Length announced.
        case bodyLongerThanContentLength
        /// finish() before the Content-Length announced was reached.
        case bodyShorterThanContentLength
        /// Body bytes for a response that has none (1xx, 204, 304, or a HEAD request).
        case bodyNotAllowed
    }

    /// What was wrong.
    public let code: Code
    /// A sentence naming the field, the lengths or the call at fault.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
