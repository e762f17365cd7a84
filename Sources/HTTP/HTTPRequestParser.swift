// Incremental, bounded HTTP/1.1 request parser (RFC 9112) for the server side: fed buffers of any split, it reports
// one head, the body (de-chunked, as slices of the input) and the end, then stops so the rest of the buffer can
// start the next pipelined request. Owns request parsing only; sockets and timeouts belong to Transport.

/// Parses requests from buffers of any split; reuse one per connection.
///
/// After an error the connection MUST be answered and closed: the parser refuses further input.
public struct HTTPRequestParser: Sendable {
    private enum State: Sendable {
        case head(HTTPHeadReader<HTTPRequestLine>)
        case body(HTTPBodyReader)
        case failed
    }

    /// The limits this parser enforces.
    public let limits: HTTPLimits
    private var state = State.head(HTTPHeadReader())
    /// Bytes of the current request consumed in earlier calls.
    private var consumedBytes = 0

    /// Makes a parser.
    public init(limits: HTTPLimits) { self.limits = limits }

    /// Whether no byte of a next request was consumed yet, so the connection may close without cutting one short.
    public var isAtMessageStart: Bool {
        if case .head = state { return consumedBytes == 0 }
        return false
    }

    /// Bytes of a counted body (Content-Length) still to come, once its head is parsed; nil otherwise. A caller
    /// with no unparsed input left may receive up to this many bytes straight into its own buffer and account for
    /// them with `skipCountedBody`, sparing a copy.
    public var countedBodyRemaining: Int? {
        if case .body(let body) = state { return body.countedRemaining }
        return nil
    }

    /// Accounts for `count` body bytes the caller received itself (at most `countedBodyRemaining`); returns true
    /// when they complete the request, after which the parser expects the next one, as after `.end`.
    public mutating func skipCountedBody(_ count: Int) -> Bool {
        guard case .body(var body) = state else { preconditionFailure("skipCountedBody outside a body") }
        guard body.skipCounted(count) else {
            consumedBytes += count
            state = .body(body)
            return false
        }
        consumedBytes = 0
        state = .head(HTTPHeadReader())
        return true
    }

    /// Parses `bytes`, calling `handle` for each event; body buffers are valid only during the call. Stops right
    /// after `.end` and returns how many bytes it consumed (the rest belongs to the next request).
    ///
    /// Errors are HTTPParseError (answer with its status, then close) or whatever `handle` throws.
    public mutating func parse(
        _ bytes: UnsafeRawBufferPointer, _ handle: (HTTPRequestEvent) throws -> Void
    ) throws -> Int {
        var index = 0
        var ended = false
        do {
            while index < bytes.count && !ended {
                ended = try step(bytes, index: &index, handle)
            }
        } catch {
            state = .failed
            throw error
        }
        if ended {
            consumedBytes = 0
            state = .head(HTTPHeadReader())
        } else {
            consumedBytes += index
        }
        return index
    }

    /// Advances through one state; returns true after `.end`.
    private mutating func step(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, _ handle: (HTTPRequestEvent) throws -> Void
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
            let head = HTTPRequestHead(
                method: line.method, target: line.target, versionMinor: line.versionMinor,
                headers: HTTPHeaders(reader.fields))
            let framing = try HTTPBodyFraming.request(head, limits: limits, offset: offsetBase + index)
            try HTTPSingletonFields.check(head.headers, offset: offsetBase + index)
            try handle(.head(head))
            // A request has no read-until-close body (RFC 9112 §6.3): without a length it has none.
            guard framing != .untilClose, let body = HTTPBodyReader(framing) else {
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
            preconditionFailure("HTTPRequestParser used after an error; answer and close the connection")
        }
        return false
    }
}
