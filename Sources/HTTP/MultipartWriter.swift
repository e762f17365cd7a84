// Multipart bodies out (RFC 2046 §5.1, RFC 2387 multipart/related) for WADO-RS: the delimiter and head before each
// part and the close delimiter; the caller streams each part's bytes in between. Owns framing only, and draws no
// randomness: the boundary comes from the caller or from a caller-given seed.
import Primitives

/// Writes the framing of a multipart body around parts the caller streams.
public struct MultipartWriter: Sendable {
    /// The boundary, without the leading "--".
    public let boundary: String
    /// How many part heads were written.
    public private(set) var partCount = 0
    /// Whether the close delimiter was written.
    public private(set) var isClosed = false

    /// Makes a writer for `boundary`, which MUST be a valid RFC 2046 boundary that no part contains.
    public init(boundary: String) throws(HTTPParseError) {
        if let error = MultipartBoundary.validationError(boundary) { throw error }
        self.boundary = boundary
    }

    /// A boundary made from `seed`: "tessera-" and 32 hex digits. Give a seed the parts cannot predict (fresh
    /// random bits per response), so no stored instance can contain the boundary on purpose.
    public static func makeBoundary(seed: UInt64) -> String {
        var text = "tessera-"
        for round in 1...2 as ClosedRange<UInt64> {
            let hex = String(Mixing.mix64(seed &+ round &* 0x9E37_79B9_7F4A_7C15), radix: 16)
            text += String(repeating: "0", count: 16 - hex.utf8.count) + hex
        }
        return text
    }

    /// The Content-Type of the whole body, e.g. `multipart/related; type="application/dicom"; boundary=…`.
    public func mediaType(subtype: String = "related", type: String? = nil) -> MediaType {
        var parameters: [(name: String, value: String)] = []
        if let type { parameters.append((name: "type", value: type)) }
        parameters.append((name: "boundary", value: boundary))
        return MediaType(type: "multipart", subtype: subtype, parameters: parameters)
    }

    /// The bytes before a part's body: the delimiter (with the CRLF ending the previous part, if any), the part's
    /// header fields and the empty line.
    public mutating func partHead(_ headers: HTTPHeaders) throws(HTTPWriteError) -> [UInt8] {
        guard !isClosed else { throw HTTPWriteError(.outOfOrder, "multipart part after the close delimiter") }
        try headers.validate()
        var bytes: [UInt8] = partCount == 0 ? [] : [HTTPBytes.cr, HTTPBytes.lf]
        bytes.append(contentsOf: "--\(boundary)\r\n".utf8)
        headers.serializeFields(into: &bytes)
        partCount += 1
        return bytes
    }

    /// The close delimiter, ending the last part: "\r\n--boundary--\r\n" (without a leading CRLF when there were
    /// no parts).
    public mutating func close() throws(HTTPWriteError) -> [UInt8] {
        guard !isClosed else { throw HTTPWriteError(.outOfOrder, "multipart close delimiter written twice") }
        isClosed = true
        return Array((partCount == 0 ? "--\(boundary)--\r\n" : "\r\n--\(boundary)--\r\n").utf8)
    }
}
