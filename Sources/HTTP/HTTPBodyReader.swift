// The body half of an HTTP/1.1 message, shared by the request and response parsers: a counted body, a chunked one,
// or one read until the connection closes (responses only). It hands out slices of the input and says when the
// body is complete; heads, events and errors stay with each parser.

/// Reads one message body as its framing says, from buffers of any split.
struct HTTPBodyReader: Sendable {
    private enum Mode: Sendable {
        case length(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        case untilClose
    }

    private var mode: Mode

    /// The reader for a body framed as `framing`; nil when there is no body.
    init?(_ framing: HTTPBodyFraming) {
        switch framing {
        case .none: return nil
        case .length(let count): mode = .length(remaining: count)
        case .chunked: mode = .chunked(ChunkedBodyDecoder())
        case .untilClose: mode = .untilClose
        }
    }

    /// Whether the body ends only when the connection closes.
    var isUntilClose: Bool {
        if case .untilClose = mode { return true }
        return false
    }

    /// Bytes of a counted body still to come; nil for a chunked body or one read until close.
    var countedRemaining: Int? {
        if case .length(let remaining) = mode { return remaining }
        return nil
    }

    /// Accounts for `count` bytes of a counted body that the caller received itself (at most `countedRemaining`);
    /// returns true once the body is complete.
    mutating func skipCounted(_ count: Int) -> Bool {
        guard case .length(let remaining) = mode, (0...remaining).contains(count) else {
            preconditionFailure("skipped more than the counted body has left")
        }
        mode = .length(remaining: remaining - count)
        return count == remaining
    }

    /// Reads from `bytes[index...]` (where `bytes[0]` is at `offsetBase` in the message), handing body bytes to
    /// `emit` and moving `index` past what it consumed. Returns true once the body is complete; a body read until
    /// close never completes here (the parser's `finish` ends it).
    mutating func read(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, offsetBase: Int, limits: HTTPLimits,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        switch mode {
        case .length(let remaining):
            let count = min(remaining, bytes.count - index)
            try emit(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)]))
            index += count
            mode = .length(remaining: remaining - count)
            return count == remaining
        case .chunked(var decoder):
            let isComplete = try decoder.decode(
                bytes, index: &index, offsetBase: offsetBase, limits: limits, emit: emit)
            mode = .chunked(decoder)
            return isComplete
        case .untilClose:
            try emit(UnsafeRawBufferPointer(rebasing: bytes[index...]))
            index = bytes.count
            return false
        }
    }
}
