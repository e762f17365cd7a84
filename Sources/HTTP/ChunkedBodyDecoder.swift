// De-chunks a chunked message body (RFC 9112 §7.1) from buffers of any split: chunk-size lines (extensions
// ignored), chunk data handed on as slices of the input, the CRLF after each chunk, and a bounded trailer section
// that is checked and discarded. Owns the chunked coding only.

/// Decodes one chunked body.
struct ChunkedBodyDecoder: Sendable {
    private enum State: Sendable {
        case sizeLine
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailer
    }

    private var state = State.sizeLine
    private var lines = LineAccumulator()
    /// Chunk data bytes so far, checked against `bodyBytesMax`.
    private var bodyBytes = 0
    /// Trailer section bytes so far, checked against `trailerBytesMax`.
    private var trailerBytes = 0

    /// Decodes from `bytes[index...]`, where `bytes[0]` is at `offsetBase` in the message, handing chunk data to
    /// `emit` and moving `index` past what it consumed. Returns true once the trailer section ended the body.
    mutating func decode(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, offsetBase: Int, limits: HTTPLimits,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        while index < bytes.count {
            switch state {
            case .sizeLine:
                guard let size = try readSizeLine(bytes, index: &index, offsetBase: offsetBase, limits: limits)
                else { return false }
                state = size == 0 ? .trailer : .data(remaining: size)
            case .data(let remaining):
                let count = min(remaining, bytes.count - index)
                try emit(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)]))
                index += count
                state = count == remaining ? .dataCR : .data(remaining: remaining - count)
            case .dataCR, .dataLF:
                let isCR = if case .dataCR = state { true } else { false }
                guard bytes[index] == (isCR ? HTTPBytes.cr : HTTPBytes.lf) else {
                    throw HTTPParseError(
                        .malformedChunk, "chunk data at byte \(offsetBase + index) is not followed by CRLF",
                        offset: offsetBase + index)
                }
                index += 1
                state = isCR ? .dataLF : .sizeLine
            case .trailer:
                if try readTrailerLine(bytes, index: &index, offsetBase: offsetBase, limits: limits) { return true }
            }
        }
        return false
    }

    /// Reads a chunk-size line; returns the size once the line is complete.
    private mutating func readSizeLine(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, offsetBase: Int, limits: HTTPLimits
    ) throws(HTTPParseError) -> Int? {
        let lineOffset = offsetBase + index - lines.pendingCount
        switch lines.scan(bytes, from: index, bytesMax: limits.chunkLineBytesMax) {
        case .incomplete:
            index = bytes.count
            return nil
        case .tooLong:
            throw HTTPParseError(
                .chunkLineTooLong,
                "chunk-size line at byte \(lineOffset) is longer than \(limits.chunkLineBytesMax) bytes "
                    + "(chunkLineBytesMax)", offset: lineOffset)
        case .complete(let lineFeedIndex):
            let sizeMax = limits.bodyBytesMax - bodyBytes
            let size = try lines.complete(bytes, from: index, lineFeedIndex: lineFeedIndex) {
                line throws(HTTPParseError) in
                try Self.parseSize(line, offset: lineOffset, sizeMax: sizeMax, limits: limits)
            }
            index = lineFeedIndex + 1
            bodyBytes += size
            return size
        }
    }

    /// Parses `chunk-size [ chunk-ext ] CRLF`: hexadecimal digits, then optional whitespace and `;` extensions,
    /// which are checked for control bytes and ignored.
    private static func parseSize(
        _ line: UnsafeRawBufferPointer, offset: Int, sizeMax: Int, limits: HTTPLimits
    ) throws(HTTPParseError) -> Int {
        guard let content = LineAccumulator.strippingCR(line) else {
            throw HTTPParseError(
                .malformedChunk, "chunk-size line at byte \(offset) ends in LF without CR", offset: offset)
        }
        var size = 0
        var index = 0
        while index < content.count, let digit = HTTPRequestHead.hexValue(content[index]) {
            size = size * 16 + Int(digit)
            guard size <= sizeMax else {
                throw HTTPParseError(
                    .bodyTooLarge,
                    "chunk at byte \(offset) takes the body past \(limits.bodyBytesMax) bytes (bodyBytesMax)",
                    offset: offset)
            }
            index += 1
        }
        guard index > 0 else {
            throw HTTPParseError(.malformedChunk, "chunk-size line at byte \(offset) has no size", offset: offset)
        }
        let rest = UnsafeRawBufferPointer(rebasing: content[index...])
        let firstNonBlank = rest.firstIndex { !HTTPFieldSyntax.isWhitespace($0) } ?? rest.count
        guard firstNonBlank == rest.count || rest[firstNonBlank] == UInt8(ascii: ";"),
            rest.allSatisfy(HTTPFieldSyntax.isFieldValueByte)
        else {
            throw HTTPParseError(
                .malformedChunk, "chunk-size line at byte \(offset) has bytes after the size that are not an extension",
                offset: offset)
        }
        return size
    }

    /// Reads one trailer line; returns true for the empty line that ends the body.
    private mutating func readTrailerLine(
        _ bytes: UnsafeRawBufferPointer, index: inout Int, offsetBase: Int, limits: HTTPLimits
    ) throws(HTTPParseError) -> Bool {
        let lineOffset = offsetBase + index - lines.pendingCount
        let remaining = limits.trailerBytesMax - trailerBytes
        let tooLarge = HTTPParseError(
            .trailerBytesTooMany,
            "the trailer section at byte \(lineOffset) is longer than \(limits.trailerBytesMax) bytes "
                + "(trailerBytesMax)", offset: lineOffset)
        guard remaining > 0 else { throw tooLarge }
        switch lines.scan(bytes, from: index, bytesMax: remaining) {
        case .incomplete:
            index = bytes.count
            return false
        case .tooLong:
            throw tooLarge
        case .complete(let lineFeedIndex):
            trailerBytes += lines.pendingCount + lineFeedIndex - index + 1
            let isEnd = try lines.complete(bytes, from: index, lineFeedIndex: lineFeedIndex) {
                line throws(HTTPParseError) -> Bool in
                guard let content = LineAccumulator.strippingCR(line) else {
                    throw HTTPParseError(
                        .malformedChunk, "trailer line at byte \(lineOffset) ends in LF without CR", offset: lineOffset)
                }
                if content.isEmpty { return true }
                _ = try HTTPFieldLine.parse(content, offset: lineOffset, place: "trailer field")
                return false
            }
            index = lineFeedIndex + 1
            return isEnd
        }
    }
}
