// How long a message body is (RFC 9112 §6.3): none, a Content-Length, chunked, or until the connection closes.
// Refuses the ambiguous framings request smuggling relies on. Owns the decision only; decoders carry it out.

/// The framing of one message body.
enum HTTPBodyFraming: Equatable, Sendable {
    /// No body.
    case none
    /// Exactly this many bytes (more than 0).
    case length(Int)
    /// Chunked transfer coding.
    case chunked
    /// Everything until the connection closes (responses only).
    case untilClose

    /// The framing of a request body (RFC 9112 §6.3 rules 3–6).
    static func request(_ head: HTTPRequestHead, limits: HTTPLimits, offset: Int) throws(HTTPParseError)
        -> HTTPBodyFraming
    {
        let headers = head.headers
        if head.versionMinor >= 1 {
            let hosts = headers.values("Host")
            guard hosts.count == 1, hosts[0].utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw HTTPParseError(
                    .invalidHost,
                    "an HTTP/1.1 request needs exactly one valid Host header, this one has \(hosts.count)",
                    offset: offset)
            }
        }
        if headers.contains("Transfer-Encoding") {
            guard !headers.contains("Content-Length") else {
                throw HTTPParseError(
                    .conflictingFraming, "the request has both Transfer-Encoding and Content-Length",
                    offset: offset)
            }
            guard head.versionMinor >= 1 else {
                throw HTTPParseError(
                    .invalidTransferEncoding, "an HTTP/1.0 request must not use Transfer-Encoding", offset: offset)
            }
            try checkChunkedOnly(headers, offset: offset)
            return .chunked
        }
        return try contentLength(headers, limits: limits, offset: offset)
    }

    /// The framing of a response body (RFC 9112 §6.3 rules 1–7) to a request with `requestMethod`.
    static func response(
        _ head: HTTPResponseHead, requestMethod: String, limits: HTTPLimits, offset: Int
    ) throws(HTTPParseError) -> HTTPBodyFraming {
        if requestMethod == "HEAD" || head.isBodyless { return .none }
        if requestMethod == "CONNECT" && (200..<300).contains(head.status) { return .none }
        let headers = head.headers
        if headers.contains("Transfer-Encoding") {
            guard !headers.contains("Content-Length") else {
                throw HTTPParseError(
                    .conflictingFraming, "the response has both Transfer-Encoding and Content-Length",
                    offset: offset)
            }
            try checkChunkedOnly(headers, offset: offset)
            return .chunked
        }
        guard headers.contains("Content-Length") else { return .untilClose }
        return try contentLength(headers, limits: limits, offset: offset)
    }

    /// Checks that Transfer-Encoding is exactly "chunked": other codings are 501, a repeated or misplaced
    /// chunked, or an element with parameters but no coding (";x"), 400 (RFC 9112 §6.1, §7).
    private static func checkChunkedOnly(_ headers: HTTPHeaders, offset: Int) throws(HTTPParseError) {
        let codings = headers.listValues("Transfer-Encoding").map { coding in
            // Splitting keeps the empty name before a leading ";", so there is always a first part.
            let name = coding.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return HTTPFieldSyntax.lowercased(String(HTTPFieldSyntax.trimmed(name)))
        }
        if codings.contains("") {
            throw HTTPParseError(
                .invalidTransferEncoding, "a Transfer-Encoding element has no transfer coding", offset: offset)
        }
        if let unknown = codings.first(where: { $0 != "chunked" }) {
            throw HTTPParseError(
                .unsupportedTransferCoding, "transfer coding \(String(reflecting: unknown)) is not supported",
                offset: offset)
        }
        guard codings.count == 1 else {
            throw HTTPParseError(
                .invalidTransferEncoding,
                "Transfer-Encoding must name chunked exactly once, not \(codings.count) times", offset: offset)
        }
    }

    /// The framing from Content-Length fields: none without one, the length when every value agrees.
    private static func contentLength(_ headers: HTTPHeaders, limits: HTTPLimits, offset: Int) throws(HTTPParseError)
        -> HTTPBodyFraming
    {
        let values = headers.values("Content-Length")
        guard !values.isEmpty else { return .none }
        var length: Int?
        for element in values.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = HTTPFieldSyntax.trimmed(element).utf8
            guard !digits.isEmpty, digits.count <= 18,
                digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else {
                throw HTTPParseError(
                    .invalidContentLength,
                    "Content-Length \(String(reflecting: String(element))) is not a decimal number below 10^18",
                    offset: offset)
            }
            let value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            if let length, length != value {
                throw HTTPParseError(
                    .invalidContentLength, "Content-Length is given as both \(length) and \(value)", offset: offset)
            }
            length = value
        }
        let bodyBytes = length ?? 0
        guard bodyBytes <= limits.bodyBytesMax else {
            throw HTTPParseError(
                .bodyTooLarge,
                "Content-Length \(bodyBytes) is more than \(limits.bodyBytesMax) bytes (bodyBytesMax)", offset: offset)
        }
        return bodyBytes == 0 ? .none : .length(bodyBytes)
    }
}
