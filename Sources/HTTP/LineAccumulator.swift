// One text line (head, chunk-size or part-header line) that may arrive split across buffers, bounded so a hostile
// 1 MiB line is refused after at most its limit in bytes, never buffered whole. Owns line assembly only.

/// Finds the LF ending a line in the input, keeping a partial line between buffers.
struct LineAccumulator: Sendable {
    /// The result of scanning for the end of a line.
    enum Step: Equatable {
        /// No LF yet; the bytes seen were kept and the whole input consumed.
        case incomplete
        /// The line, LF included, would be longer than the limit.
        case tooLong
        /// The line ends with the LF at this index of the input.
        case complete(lineFeedIndex: Int)
    }

    /// The start of the current line, kept from earlier buffers.
    private(set) var pending: [UInt8] = []

    /// How many bytes of the current line were kept from earlier buffers.
    var pendingCount: Int { pending.count }

    /// Looks for the LF of the current line in `bytes[index...]`, allowing `bytesMax` bytes for the whole line
    /// with its CRLF. Keeps a partial line for the next buffer. Split-invariant: the line is too long exactly when
    /// `bytesMax` bytes arrived without an LF among them, however they were split.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, from index: Int, bytesMax: Int) -> Step {
        let allowed = bytesMax - pending.count
        precondition(allowed > 0, "a line longer than its limit must have been refused already")
        let windowEnd = min(bytes.count, index + allowed)
        if let lineFeed = Self.firstLineFeed(bytes, from: index, to: windowEnd) {
            return .complete(lineFeedIndex: lineFeed)
        }
        if windowEnd - index == allowed { return .tooLong }
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<windowEnd]))
        return .incomplete
    }

    /// Calls `body` with the whole line before its LF (a CR, if any, included), taken from the input when no
    /// partial line was kept, else assembled; then forgets the line. `body` MUST NOT touch this accumulator.
    mutating func complete<R>(
        _ bytes: UnsafeRawBufferPointer, from index: Int, lineFeedIndex: Int,
        _ body: (UnsafeRawBufferPointer) throws(HTTPParseError) -> R
    ) throws(HTTPParseError) -> R {
        if pending.isEmpty { return try body(UnsafeRawBufferPointer(rebasing: bytes[index..<lineFeedIndex])) }
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<lineFeedIndex]))
        defer { pending.removeAll(keepingCapacity: true) }
        let result: Result<R, HTTPParseError> = pending.withUnsafeBytes { line in
            do throws(HTTPParseError) { return .success(try body(line)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Forgets any partial line.
    mutating func reset() { pending.removeAll(keepingCapacity: true) }

    /// The index of the first LF in `bytes[start..<end]`, eight bytes at a time.
    static func firstLineFeed(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        ByteScan.firstIndex(of: HTTPBytes.lf, in: bytes, from: start, to: end)
    }

    /// The line without its final CR, or nil when it has none (a bare LF, which we refuse: RFC 9112 §2.2).
    static func strippingCR(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let last = line.last, last == HTTPBytes.cr else { return nil }
        return UnsafeRawBufferPointer(rebasing: line[..<(line.count - 1)])
    }
}
