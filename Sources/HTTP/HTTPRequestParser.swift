// Incremental, bounded HTTP/1.1 request parser (RFC 9112). Interim signature while the body is written.

/// Parses requests from buffers of any split.
public struct HTTPRequestParser: Sendable {
    /// The limits this parser enforces.
    public let limits: HTTPLimits

    /// Makes a parser.
    public init(limits: HTTPLimits) { self.limits = limits }

    /// Parses `bytes`, calling `handle` for each event; body buffers are valid only during the call. Stops right
    /// after `.end` and returns how many bytes it consumed (the rest belongs to the next request).
    public mutating func parse(
        _ bytes: UnsafeRawBufferPointer, _ handle: (HTTPRequestEvent) throws -> Void
    ) throws -> Int {
        throw HTTPParseError(.incompleteMessage, "parser in progress", offset: 0)
    }
}
