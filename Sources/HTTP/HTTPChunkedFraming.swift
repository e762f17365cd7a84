// The bytes a sender puts around a chunked body (RFC 9112 §7.1): each chunk's size line and CRLF, and the last
// chunk with an empty trailer section. Owns framing only; writers decide when to chunk.

/// Framing bytes for a chunked message body.
public enum HTTPChunkedFraming {
    /// "SIZE\r\n" in hexadecimal for a chunk of `count` bytes, which MUST be more than 0 (0 ends the body).
    public static func chunkHead(count: Int) -> [UInt8] {
        precondition(count > 0, "a chunk of 0 bytes would end the body")
        var bytes = Array(String(count, radix: 16).utf8)
        bytes.append(HTTPBytes.cr)
        bytes.append(HTTPBytes.lf)
        return bytes
    }

    /// The CRLF after each chunk's data.
    public static let chunkTail: [UInt8] = [HTTPBytes.cr, HTTPBytes.lf]

    /// The last chunk and an empty trailer section: "0\r\n\r\n".
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
}
