// The one error type of the HTTP module's parsers: request, response, chunked, multipart and media types. Each
// error names what was wrong, where (byte offset in the message) and which limit, and maps to one HTTP status.

/// Bad or oversized HTTP input; `status` is the answer a server gives (RFC 9110 §15).
public struct HTTPParseError: Error, HTTPStatusError, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong; the set is closed, so tests can match on it.
    public enum Code: Sendable, Equatable {
        /// The request line or status line does not follow RFC 9112 §3 / §4.
        case malformedStartLine
        /// The request line is longer than `requestLineBytesMax` (414).
        case startLineTooLong
        /// The HTTP version is well formed but not 1.0 or 1.1 (505).
        case unsupportedVersion
        /// A header or trailer field line is not `name: value` with valid bytes.
        case malformedHeaderField
        /// A field line starts with whitespace (obs-fold, RFC 9112 §5.2).
        case obsoleteLineFolding
        /// One field line is longer than `headerLineBytesMax` (431).
        case headerLineTooLong
        /// The head is longer than `headerBytesMax` (431).
        case headerBytesTooMany
        /// There are more fields than `headerCountMax` (431).
        case headerCountTooMany
        /// An HTTP/1.1 request has no Host field, several, or an invalid one (RFC 9112 §3.2).
        case invalidHost
        /// A field that must appear at most once (Authorization, Content-Type, Content-Length, Host) appears on
        /// several lines; taking one of them would let two parts of a system read different requests.
        case repeatedField
        /// Content-Length is not digits, overflows, or is repeated with different values (RFC 9112 §6.3).
        case invalidContentLength
        /// Both Transfer-Encoding and Content-Length are present (RFC 9112 §6.3, request smuggling).
        case conflictingFraming
        /// Transfer-Encoding is malformed: chunked not last, repeated, or sent in HTTP/1.0.
        case invalidTransferEncoding
        /// A transfer coding other than chunked (501).
        case unsupportedTransferCoding
        /// The body is longer than `bodyBytesMax` (413).
        case bodyTooLarge
        /// A chunk-size line or the CRLF after chunk data is malformed (RFC 9112 §7.1).
        case malformedChunk
        /// A chunk-size line is longer than `chunkLineBytesMax`.
        case chunkLineTooLong
        /// The trailer section is longer than `trailerBytesMax` (431).
        case trailerBytesTooMany
        /// The input ended in the middle of a message.
        case incompleteMessage
        /// A Content-Type or Accept value is not a valid media type (RFC 9110 §8.3.1, §12.5.1).
        case malformedMediaType
        /// A multipart media type has no usable boundary parameter (RFC 2046 §5.1.1).
        case invalidBoundary
        /// A multipart body has no opening delimiter within its preamble limit.
        case multipartNoOpeningDelimiter
        /// A delimiter line has bytes other than transport padding before its CRLF.
        case multipartMalformedDelimiter
        /// A part's header section is malformed.
        case multipartMalformedPartHead
        /// A part's header section is longer than `partHeadBytesMax`.
        case multipartPartHeadTooLarge
        /// There are more parts than `partCountMax` (413).
        case multipartTooManyParts
        /// The body ended before the close delimiter.
        case multipartUnterminated
    }

    /// What was wrong.
    public let code: Code
    /// A sentence for the client naming what was wrong, where, and the limit when one was exceeded.
    public let reason: String
    /// Byte offset, from the first byte of the message (or multipart body), of the line or element at fault.
    public let offset: Int
    /// The HTTP status that answers this error.
    public let status: Int

    /// Makes an error; `status` defaults to the one a server answers a bad request with.
    public init(_ code: Code, _ reason: String, offset: Int, status: Int? = nil) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.status = status ?? HTTPParseError.requestStatus(for: code)
    }

    public var description: String { "HTTP \(status): \(reason)" }

    /// The status a server answers a request with this problem.
    static func requestStatus(for code: Code) -> Int {
        switch code {
        case .startLineTooLong: 414
        case .unsupportedVersion: 505
        case .headerLineTooLong, .headerBytesTooMany, .headerCountTooMany, .trailerBytesTooMany: 431
        case .unsupportedTransferCoding: 501
        case .bodyTooLarge, .multipartTooManyParts, .multipartPartHeadTooLarge: 413
        default: 400
        }
    }
}
