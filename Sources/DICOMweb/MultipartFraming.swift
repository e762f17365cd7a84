// The bytes around the parts of a multipart/related response (RFC 2046 §5.1.1, RFC 2387): boundary lines, part
// headers and the close delimiter. Built up front so the response's Content-Length is known before the first byte;
// a transcoded part has no length (the response is chunked).
import Primitives

/// Framing of multipart/related responses.
enum MultipartFraming {
    /// A boundary that cannot be confused with another response's: derived from an object address, so a response
    /// is reproducible, and long enough that stored bytes containing it by chance are not a concern.
    static func boundary(for address: ChunkAddress) -> String { "tessera-" + address.hex.prefix(40) }

    /// The delimiter line and headers that open one part; parts after the first start with the CRLF that ends the
    /// previous part's body.
    static func partHead(boundary: String, isFirst: Bool, contentType: String, length: Int64?) -> [UInt8] {
        let text =
            (isFirst ? "" : "\r\n") + "--\(boundary)\r\nContent-Type: \(contentType)\r\n"
            + (length.map { "Content-Length: \($0)\r\n" } ?? "") + "\r\n"
        return Array(text.utf8)
    }

    /// The close delimiter after the last part.
    static func close(boundary: String) -> [UInt8] { Array("\r\n--\(boundary)--\r\n".utf8) }
}
