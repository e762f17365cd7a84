// Streaming, bounded multipart reader (RFC 2046 §5.1) for STOW-RS multipart/related and form-data bodies: skips
// the preamble, reads each part's head, hands part bodies on as slices of the input (found with a Horspool search
// for "\r\n--boundary", so a GiB part costs O(bytes / boundary length) compares), and ignores the epilogue. A
// delimiter split across buffers at any byte is handled. Owns multipart framing only; parts' meaning is the caller's.

/// Reads one multipart body from buffers of any split.
public struct MultipartReader: Sendable {
    private enum State: Sendable {
        /// Before the first delimiter.
        case preamble
        /// Right after "--boundary": "--" closes, else padding then CRLF.
        case delimiterTail
        /// Read one "-" after a boundary; a second one closes the body.
        case closeDash
        /// Reading transport padding, then CR.
        case padding(count: Int)
        /// Read CR after a boundary, expecting LF.
        case delimiterLF
        /// Reading a part's header lines.
        case partHead
        /// Reading a part's body up to the next delimiter.
        case partBody
        /// After the close delimiter: everything is ignored.
        case epilogue
        /// An error was thrown.
        case failed
    }

    /// The boundary, without the leading "--".
    public let boundary: String
    /// The limits this reader enforces.
    public let limits: MultipartLimits
    private let delimiter: MultipartDelimiter?
    private let boundaryError: HTTPParseError?
    private var state = State.preamble
    /// How many delimiter bytes matched at the end of the previous buffer.
    private var matchedBytes = 2
    /// How many of `matchedBytes` are not body bytes: the CRLF before the first delimiter or after a part head,
    /// which may double as the delimiter's own CRLF (RFC 2046 §5.1.1).
    private var virtualBytes = 2
    /// Bytes of the body consumed in earlier calls, for error offsets.
    private var consumedBytes = 0
    private var partCount = 0
    private var lines = LineAccumulator()
    private var headBytes = 0
    private var fields: [HTTPHeaders.Field] = []

    /// Makes a reader for parts separated by `boundary` (from `MultipartBoundary.of(contentType)`). An invalid
    /// boundary makes `parse` and `finish` throw.
    public init(boundary: String, limits: MultipartLimits) {
        self.boundary = boundary
        self.limits = limits
        boundaryError = MultipartBoundary.validationError(boundary)
        delimiter = boundaryError == nil ? MultipartDelimiter(boundary: boundary) : nil
    }

    /// Whether the close delimiter was read.
    public var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    /// Parses the next `bytes` of the body, calling `handle` for each event. After an error, the reader refuses
    /// further input.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, _ handle: (MultipartEvent) throws -> Void) throws {
        if let boundaryError { throw boundaryError }
        guard let delimiter else { preconditionFailure("a valid boundary always has a delimiter") }
        var index = 0
        do {
            while index < bytes.count {
                try step(bytes, index: &index, delimiter: delimiter, handle)
            }
        } catch {
            state = .failed
            throw error
        }
        consumedBytes += bytes.count
    }

    /// Checks that the body ended properly: throws when no opening delimiter or no close delimiter was read.
    public func finish() throws(HTTPParseError) {
        if let boundaryError { throw boundaryError }
        switch state {
        case .epilogue:
            return
        case .preamble:
            throw HTTPParseError(
                .multipartNoOpeningDelimiter,
                "the multipart body (\(consumedBytes) bytes) has no opening delimiter --\(boundary)",
                offset: consumedBytes)
        default:
            throw HTTPParseError(
                .multipartUnterminated,
                "the multipart body ended after \(consumedBytes) bytes, before its close delimiter --\(boundary)--",
                offset: consumedBytes)
        }
    }

    /// Advances through one state.
    private mutating func step(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, delimiter: MultipartDelimiter,
        _ handle: (MultipartEvent) throws -> Void
    ) throws {
        switch state {
        case .preamble:
            // The earliest place the opening delimiter can still start: where it was found, where a partial match
            // starts, or the end of what was scanned. Past the limit, the preamble is too long.
            let found = try scan(bytes, index: &index, delimiter: delimiter, emitsBody: false, handle)
            let candidate = found ?? (consumedBytes + index - (matchedBytes - virtualBytes))
            if candidate > limits.preambleBytesMax {
                throw HTTPParseError(
                    .multipartNoOpeningDelimiter,
                    "no opening delimiter --\(boundary) within the first \(limits.preambleBytesMax) bytes "
                        + "(preambleBytesMax)", offset: limits.preambleBytesMax)
            }
            if found != nil { state = .delimiterTail }
        case .partBody:
            if try scan(bytes, index: &index, delimiter: delimiter, emitsBody: true, handle) != nil {
                try handle(.partEnd)
                state = .delimiterTail
            }
        case .partHead:
            if let headers = try readHeadLine(bytes, index: &index) {
                try handle(.partHead(headers))
                state = .partBody
                matchedBytes = 2
                virtualBytes = 2
            }
        case .epilogue:
            index = bytes.count
        case .failed:
            preconditionFailure("MultipartReader used after an error")
        default:
            let isClosed = try readDelimiterTail(bytes[index], offset: consumedBytes + index)
            index += 1
            if isClosed { try handle(.end) }
        }
    }

    /// Looks for the delimiter from `index`, handing body bytes before it to `handle` when `emitsBody`. Returns the
    /// body offset where the delimiter (its CRLF, or its "--" for a virtual CRLF) starts, with `index` after it;
    /// or nil with `index` at the end of the buffer and any partial match remembered.
    private mutating func scan(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, delimiter: MultipartDelimiter, emitsBody: Bool,
        _ handle: (MultipartEvent) throws -> Void
    ) throws -> Int? {
        let pattern = delimiter.bytes
        if matchedBytes > 0 {
            let needed = pattern.count - matchedBytes
            let available = bytes.count - index
            var equal = 0
            while equal < min(needed, available) && bytes[index + equal] == pattern[matchedBytes + equal] {
                equal += 1
            }
            if equal == needed {
                let start = consumedBytes + index - (matchedBytes - virtualBytes)
                index += needed
                matchedBytes = 0
                virtualBytes = 0
                return start
            }
            if equal == available {
                matchedBytes += available
                index = bytes.count
                return nil
            }
            if emitsBody && matchedBytes > virtualBytes {
                try handle(.partBody(UnsafeRawBufferPointer(rebasing: pattern[virtualBytes..<matchedBytes])))
            }
            matchedBytes = 0
            virtualBytes = 0
        }
        switch delimiter.search(bytes, from: index) {
        case .whole(let position):
            if emitsBody && position > index {
                try handle(.partBody(UnsafeRawBufferPointer(rebasing: bytes[index..<position])))
            }
            index = position + pattern.count
            return consumedBytes + position
        case .prefix(let position):
            if emitsBody && position > index {
                try handle(.partBody(UnsafeRawBufferPointer(rebasing: bytes[index..<position])))
            }
            matchedBytes = bytes.count - position
        case .none:
            if emitsBody && bytes.count > index {
                try handle(.partBody(UnsafeRawBufferPointer(rebasing: bytes[index...])))
            }
        }
        index = bytes.count
        return nil
    }

    /// Takes one byte after a boundary: "--" closes the body, else transport padding and CRLF start a part.
    /// Returns true when the byte completed the close delimiter.
    private mutating func readDelimiterTail(_ byte: UInt8, offset: Int) throws(HTTPParseError) -> Bool {
        switch (state, byte) {
        case (.delimiterTail, UInt8(ascii: "-")):
            state = .closeDash
        case (.closeDash, UInt8(ascii: "-")):
            state = .epilogue
            return true
        case (.delimiterTail, _):
            state = .padding(count: 0)
            return try readDelimiterTail(byte, offset: offset)
        case (.padding(let count), _) where HTTPFieldSyntax.isWhitespace(byte):
            guard count < limits.paddingBytesMax else {
                throw HTTPParseError(
                    .multipartMalformedDelimiter,
                    "more than \(limits.paddingBytesMax) bytes of padding (paddingBytesMax) after a boundary at byte "
                        + "\(offset)", offset: offset)
            }
            state = .padding(count: count + 1)
        case (.padding, HTTPBytes.cr):
            state = .delimiterLF
        case (.delimiterLF, HTTPBytes.lf):
            partCount += 1
            guard partCount <= limits.partCountMax else {
                throw HTTPParseError(
                    .multipartTooManyParts,
                    "part \(partCount) at byte \(offset) is more than \(limits.partCountMax) parts (partCountMax)",
                    offset: offset)
            }
            state = .partHead
            headBytes = 0
            fields = []
        default:
            throw HTTPParseError(
                .multipartMalformedDelimiter,
                "byte 0x\(String(byte, radix: 16)) at \(offset) follows the boundary; expected \"--\" or CRLF",
                offset: offset)
        }
        return false
    }

    /// Reads one part header line; returns the part's headers after its empty line.
    private mutating func readHeadLine(_ bytes: UnsafeRawBufferPointer, index: inout Int) throws(HTTPParseError)
        -> HTTPHeaders?
    {
        let lineOffset = consumedBytes + index - lines.pendingCount
        let remaining = limits.partHeadBytesMax - headBytes
        let tooLarge = HTTPParseError(
            .multipartPartHeadTooLarge,
            "the head of part \(partCount) at byte \(lineOffset) is longer than \(limits.partHeadBytesMax) bytes "
                + "(partHeadBytesMax)", offset: lineOffset)
        guard remaining > 0 else { throw tooLarge }
        switch lines.scan(bytes, from: index, bytesMax: remaining) {
        case .incomplete:
            index = bytes.count
            return nil
        case .tooLong:
            throw tooLarge
        case .complete(let lineFeedIndex):
            headBytes += lines.pendingCount + lineFeedIndex - index + 1
            let field = try lines.complete(bytes, from: index, lineFeedIndex: lineFeedIndex) {
                line throws(HTTPParseError) -> HTTPHeaders.Field? in
                guard let content = LineAccumulator.strippingCR(line) else {
                    throw HTTPParseError(
                        .malformedHeaderField, "part header line at byte \(lineOffset) ends in LF without CR",
                        offset: lineOffset)
                }
                if content.isEmpty { return nil }
                return try HTTPFieldLine.parse(content, offset: lineOffset, place: "part header field")
            }
            index = lineFeedIndex + 1
            guard let field else { return HTTPHeaders(fields) }
            fields.append(field)
            return nil
        }
    }
}
