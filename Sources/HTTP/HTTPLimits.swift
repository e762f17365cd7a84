// The bounds every HTTP/1.1 request and response parser works within (STYLE.md, "A limit on everything"). Owns the
// numbers only; the parsers enforce them and name the limit they hit.

/// Limits on one HTTP message; exceeding one is an HTTPParseError naming the limit.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line or status line, CRLF included (414 for a request).
    public var requestLineBytesMax: Int
    /// Longest single header field line, CRLF included (431).
    public var headerLineBytesMax: Int
    /// Most bytes in the whole head: start line, field lines and the empty line (431).
    public var headerBytesMax: Int
    /// Most header fields (431).
    public var headerCountMax: Int
    /// Largest body, declared or de-chunked (413).
    public var bodyBytesMax: Int
    /// Longest chunk-size line, extensions and CRLF included (400).
    public var chunkLineBytesMax: Int
    /// Most bytes in a chunked trailer section, which is read and discarded (431).
    public var trailerBytesMax: Int

    /// Makes limits; the defaults suit a DICOMweb node receiving multi-GiB STOW-RS uploads.
    public init(
        requestLineBytesMax: Int = 8 * 1024, headerLineBytesMax: Int = 8 * 1024, headerBytesMax: Int = 64 * 1024,
        headerCountMax: Int = 100, bodyBytesMax: Int = 64 << 30, chunkLineBytesMax: Int = 1024,
        trailerBytesMax: Int = 8 * 1024
    ) {
        precondition(requestLineBytesMax > 2 && headerLineBytesMax > 2 && headerBytesMax > 2, "limits too small")
        precondition(headerCountMax >= 0 && bodyBytesMax >= 0, "limits must not be negative")
        precondition(chunkLineBytesMax > 2 && trailerBytesMax > 2, "limits too small")
        self.requestLineBytesMax = requestLineBytesMax
        self.headerLineBytesMax = headerLineBytesMax
        self.headerBytesMax = headerBytesMax
        self.headerCountMax = headerCountMax
        self.bodyBytesMax = bodyBytesMax
        self.chunkLineBytesMax = chunkLineBytesMax
        self.trailerBytesMax = trailerBytesMax
    }
}
