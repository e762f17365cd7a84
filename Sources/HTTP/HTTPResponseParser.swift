// Incremental, bounded HTTP/1.1 response parser for the client side (RFC 9112): the same shape as the request
// parser, with the response rules: no body for HEAD, 1xx, 204 and 304; bodies read until close; interim 1xx
// responses reported as `.interim` and skipped over. Owns response parsing only.

/// Parses responses from buffers of any split; reuse one per connection, setting `requestMethod` per request.
///
/// Errors carry status 502 (the peer sent a bad response). After one the connection MUST be closed.
public struct HTTPResponseParser: Sendable {
    private enum State: Sendable {
        case head(HTTPHeadReader<HTTPStatusLine>)
        case body(HTTPBodyReader)
        case failed
    }

    /// The limits this parser enforces.
    public let limits: HTTPLimits
    /// The method of the request this response answers; a response to HEAD has no body. Set before each response.
    public var requestMethod = "GET"
    private var state = State.head(HTTPHeadReader())
    /// Bytes of the current response consumed in earlier calls.
    private var consumedBytes = 0

    /// Makes a parser.
    public init(limits: HTTPLimits) { self.limits = limits }

    /// Whether the body is delimited by the connection closing, so the connection cannot be reused.
    public var isReadingUntilClose: Bool {
        if case .body(let body) = state { return body.isUntilClose }
        return false
    }

    /// Parses `bytes`, calling `handle` for each event. Stops right after `.end` and returns how many bytes it
    /// consumed (the rest belongs to the next response). Interim 1xx heads (except 101) are reported as
    /// `.interim` and parsing goes on to the final response.
    public mutating func parse(
        _ bytes: UnsafeRawBufferPointer, _ handle: (HTTPResponseEvent) throws -> Void
    ) throws -> Int {
        var index = 0
        var ended = false
        do {
            while index < bytes.count && !ended {
                ended = try step(bytes, index: &index, handle)
            }
        } catch let error as HTTPParseError {
            state = .failed
            throw HTTPParseError(error.code, "response: " + error.reason, offset: error.offset, status: 502)
        } catch {
            state = .failed
            throw error
        }
        if ended { reset() } else { consumedBytes += index }
        return index
    }

    /// Tells the parser the connection closed: ends a body delimited by the close, or throws if a response was
    /// cut short. Nothing happens when no byte of a response had arrived.
    public mutating func finish(_ handle: (HTTPResponseEvent) throws -> Void) throws {
        switch state {
        case .body(let body) where body.isUntilClose:
            reset()
            try handle(.end)
        case .head where consumedBytes == 0:
            return
        case .failed:
            preconditionFailure("HTTPResponseParser used after an error; close the connection")
        default:
            state = .failed
            throw HTTPParseError(
                .incompleteMessage, "response: the connection closed after \(consumedBytes) bytes of a response",
                offset: consumedBytes, status: 502)
        }
    }

    private mutating func reset() {
        consumedBytes = 0
        state = .head(HTTPHeadReader())
    }

    /// Advances through one state; returns true after `.end`.
    private mutating func step(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, _ handle: (HTTPResponseEvent) throws -> Void
    ) throws -> Bool {
        let offsetBase = consumedBytes
        switch state {
        case .head(var reader):
            state = .failed
            let isComplete = try reader.read(bytes, index: &index, offsetBase: offsetBase, limits: limits)
            guard isComplete, let line = reader.startLine else {
                state = .head(reader)
                return false
            }
            let head = HTTPResponseHead(
                status: line.status, reason: line.reason, headers: HTTPHeaders(reader.fields),
                versionMinor: line.versionMinor)
            if (100..<200).contains(head.status) && head.status != 101 {
                try handle(.interim(head))
                // The final response starts at `index`: offsets restart there, and `parse` adds `index` back.
                consumedBytes = -index
                state = .head(HTTPHeadReader())
                return false
            }
            let framing = try HTTPBodyFraming.response(
                head, requestMethod: requestMethod, limits: limits, offset: offsetBase + index)
            try handle(.head(head))
            guard let body = HTTPBodyReader(framing) else {
                try handle(.end)
                return true
            }
            state = .body(body)
        case .body(var body):
            let isComplete = try body.read(bytes, index: &index, offsetBase: offsetBase, limits: limits) {
                try handle(.body($0))
            }
            state = .body(body)
            guard isComplete else { return false }
            try handle(.end)
            return true
        case .failed:
            preconditionFailure("HTTPResponseParser used after an error; close the connection")
        }
        return false
    }
}
