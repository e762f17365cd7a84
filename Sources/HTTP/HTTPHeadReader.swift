// Reads a message head line by line: optional empty lines, the start line, field lines, the empty line
// (RFC 9112 §2.2). Enforces the start-line, field-line, head-size and field-count limits in a split-invariant way.
// Owns head assembly only; framing decisions belong to HTTPBodyFraming.

/// Collects a request or response head from buffers of any split.
struct HTTPHeadReader<StartLine: HTTPStartLine>: Sendable {
    /// What one complete line turned out to be.
    private enum LineKind {
        case skipped
        case start(StartLine)
        case field(HTTPHeaders.Field)
        case endOfHead
    }

    private var lines = LineAccumulator()
    /// The start line, once read.
    private(set) var startLine: StartLine?
    /// The field lines read so far, in order.
    private(set) var fields: [HTTPHeaders.Field] = []
    /// Bytes of complete head lines so far, CRLFs included.
    private var headBytes = 0

    /// Reads head lines from `bytes[index...]`, where `bytes[0]` is at `offsetBase` in the message, and moves
    /// `index` past what it consumed. Returns true once the empty line ending the head was read.
    mutating func read(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, offsetBase: Int, limits: HTTPLimits
    ) throws(HTTPParseError) -> Bool {
        while index < bytes.count {
            let lineOffset = offsetBase + index - lines.pendingCount
            let isStartLine = startLine == nil
            let lineMax = isStartLine ? limits.requestLineBytesMax : limits.headerLineBytesMax
            let headRemaining = limits.headerBytesMax - headBytes
            guard headRemaining > 0 else {
                throw Self.headTooLarge(offset: lineOffset, limits: limits)
            }
            switch lines.scan(bytes, from: index, bytesMax: min(lineMax, headRemaining)) {
            case .incomplete:
                index = bytes.count
                return false
            case .tooLong:
                if lineMax > headRemaining { throw Self.headTooLarge(offset: lineOffset, limits: limits) }
                throw isStartLine
                    ? HTTPParseError(
                        .startLineTooLong,
                        "the start line is longer than \(lineMax) bytes (requestLineBytesMax)", offset: lineOffset)
                    : HTTPParseError(
                        .headerLineTooLong,
                        "header field at byte \(lineOffset) is longer than \(lineMax) bytes (headerLineBytesMax)",
                        offset: lineOffset)
            case .complete(let lineFeedIndex):
                headBytes += lines.pendingCount + lineFeedIndex - index + 1
                let fieldCount = fields.count
                let fieldCountMax = limits.headerCountMax
                let kind = try lines.complete(bytes, from: index, lineFeedIndex: lineFeedIndex) {
                    line throws(HTTPParseError) -> LineKind in
                    guard let content = LineAccumulator.strippingCR(line) else {
                        throw HTTPParseError(
                            .malformedHeaderField, "line at byte \(lineOffset) ends in LF without CR",
                            offset: lineOffset)
                    }
                    if content.isEmpty { return isStartLine ? .skipped : .endOfHead }
                    if isStartLine { return .start(try StartLine.parse(content, offset: lineOffset)) }
                    guard fieldCount < fieldCountMax else {
                        throw HTTPParseError(
                            .headerCountTooMany,
                            "header field at byte \(lineOffset) is one more than \(fieldCountMax) (headerCountMax)",
                            offset: lineOffset)
                    }
                    return .field(try HTTPFieldLine.parse(content, offset: lineOffset, place: "header field"))
                }
                index = lineFeedIndex + 1
                switch kind {
                case .skipped: break
                case .start(let line): startLine = line
                case .field(let field): fields.append(field)
                case .endOfHead: return true
                }
            }
        }
        return false
    }

    /// The error for a head longer than `headerBytesMax`.
    private static func headTooLarge(offset: Int, limits: HTTPLimits) -> HTTPParseError {
        HTTPParseError(
            .headerBytesTooMany,
            "the head is longer than \(limits.headerBytesMax) bytes (headerBytesMax) at byte \(offset)",
            offset: offset)
    }
}
