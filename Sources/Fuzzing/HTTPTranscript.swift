// What a parser reported for an input, in a form two runs can be compared by: heads, concatenated bodies, ends and
// the error. Used by the fuzz checks and by the tests' split-invariance checks. Owns no parsing of its own.
public import HTTP

/// Transcripts of the request parser, response parser and multipart reader over inputs given in pieces.
public enum HTTPTranscript {
    /// One reported step; consecutive body buffers are joined into one entry.
    public enum Entry: Equatable, Sendable, CustomStringConvertible {
        /// A request or response head, or a part head, as text.
        case head(String)
        /// Body bytes reported one after the other.
        case body([UInt8])
        /// An end of a part (multipart only).
        case partEnd
        /// The end of a message or of the multipart body.
        case end
        /// The parse stopped with this error.
        case error(HTTPParseError.Code, offset: Int)

        public var description: String {
            switch self {
            case .head(let text): "head(\(text))"
            case .body(let bytes): "body(\(bytes.count) bytes)"
            case .partEnd: "partEnd"
            case .end: "end"
            case .error(let code, let offset): "error(\(code) at \(offset))"
            }
        }
    }

    /// Parses pipelined requests from `pieces` until the input ends or an error.
    public static func request(_ pieces: [[UInt8]], limits: HTTPLimits) -> [Entry] {
        var parser = HTTPRequestParser(limits: limits)
        var entries: [Entry] = []
        do {
            for piece in pieces {
                try piece.withUnsafeBytes { buffer in
                    var start = 0
                    repeat {
                        start += try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[start...])) { event in
                            switch event {
                            case .head(let head):
                                entries.append(
                                    .head("\(head.method) \(head.target) 1.\(head.versionMinor) \(head.headers)"))
                            case .body(let bytes): appendBody(bytes, to: &entries)
                            case .end: entries.append(.end)
                            }
                        }
                    } while start < buffer.count
                }
            }
        } catch let error as HTTPParseError {
            entries.append(.error(error.code, offset: error.offset))
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        return entries
    }

    /// Parses pipelined responses to `requestMethod` from `pieces`, then the connection's close.
    public static func response(_ pieces: [[UInt8]], requestMethod: String, limits: HTTPLimits) -> [Entry] {
        var parser = HTTPResponseParser(limits: limits)
        parser.requestMethod = requestMethod
        var entries: [Entry] = []
        let handle = { (event: HTTPResponseEvent) in
            switch event {
            case .interim(let head): entries.append(.head("interim \(head.status) \(head.headers)"))
            case .head(let head):
                entries.append(.head("\(head.status) \(head.reason) 1.\(head.versionMinor) \(head.headers)"))
            case .body(let bytes): appendBody(bytes, to: &entries)
            case .end: entries.append(.end)
            }
        }
        do {
            for piece in pieces {
                try piece.withUnsafeBytes { buffer in
                    var start = 0
                    repeat {
                        start += try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[start...]), handle)
                    } while start < buffer.count
                }
            }
            try parser.finish(handle)
        } catch let error as HTTPParseError {
            entries.append(.error(error.code, offset: error.offset))
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        return entries
    }

    /// Reads a multipart body from `pieces`, then checks its end with `finish()`.
    public static func multipart(_ pieces: [[UInt8]], boundary: String, limits: MultipartLimits) -> [Entry] {
        var reader = MultipartReader(boundary: boundary, limits: limits)
        var entries: [Entry] = []
        do {
            for piece in pieces {
                try piece.withUnsafeBytes { buffer in
                    try reader.parse(buffer) { event in
                        switch event {
                        case .partHead(let headers): entries.append(.head(headers.description))
                        case .partBody(let bytes): appendBody(bytes, to: &entries)
                        case .partEnd: entries.append(.partEnd)
                        case .end: entries.append(.end)
                        }
                    }
                }
            }
            try reader.finish()
        } catch let error as HTTPParseError {
            entries.append(.error(error.code, offset: error.offset))
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        return entries
    }

    /// The multipart body MultipartWriter makes from a complete transcript's parts, or nil if a part head does not
    /// come back from its text form.
    static func rewrite(_ entries: [Entry], boundary: String) -> [UInt8]? {
        guard var writer = try? MultipartWriter(boundary: boundary) else { return nil }
        var bytes: [UInt8] = []
        for entry in entries {
            switch entry {
            case .head(let text):
                let lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false)
                let fields: [(name: String, value: String)] = lines.map { line in
                    let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    // Drop the one space scalar, not the first Character: a combining mark may join it.
                    let value = parts.count > 1 ? String(parts[1].unicodeScalars.dropFirst()) : ""
                    return (name: String(parts[0]), value: value)
                }
                guard let head = try? writer.partHead(HTTPHeaders(fields)) else { return nil }
                bytes += head
            case .body(let body): bytes += body
            case .partEnd, .error: break
            case .end:
                guard let close = try? writer.close() else { return nil }
                bytes += close
            }
        }
        return bytes
    }

    /// Appends body bytes, joining them to a body entry just before.
    private static func appendBody(_ bytes: UnsafeRawBufferPointer, to entries: inout [Entry]) {
        if case .body(let previous) = entries.last {
            entries[entries.count - 1] = .body(previous + Array(bytes))
        } else if !bytes.isEmpty {
            entries.append(.body(Array(bytes)))
        }
    }
}
