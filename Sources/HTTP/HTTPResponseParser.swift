// Incremental, bounded HTTP/1.1 response parser for the client side. Interim signature while the body is written.

/// Parses responses from buffers of any split.
public struct HTTPResponseParser: Sendable {
    /// The limits this parser enforces.
    public let limits: HTTPLimits
    /// The method of the request this response answers; a response to HEAD has no body. Set before each response.
    public var requestMethod = "GET"

    /// Makes a parser.
    public init(limits: HTTPLimits) { self.limits = limits }

    /// Parses `bytes`, calling `handle` for each event. Stops right after `.end` and returns how many bytes it
    /// consumed (the rest belongs to the next response).
    public mutating func parse(
        _ bytes: UnsafeRawBufferPointer, _ handle: (HTTPResponseEvent) throws -> Void
    ) throws -> Int {
        throw HTTPParseError(.incompleteMessage, "parser in progress", offset: 0)
    }

    /// Tells the parser the connection closed: ends a body delimited by the close, or throws if a message was
    /// cut short.
    public mutating func finish(_ handle: (HTTPResponseEvent) throws -> Void) throws {
        throw HTTPParseError(.incompleteMessage, "parser in progress", offset: 0)
    }
}
