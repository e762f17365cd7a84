// A response's status line and header fields, as a responder sends them or as the client parser received them.
// Owns the value; serialization lives in HTTPHeadSerialization.swift and reason phrases in HTTPReasonPhrase.swift.

/// The status line and header fields of one HTTP/1.x response.
public struct HTTPResponseHead: Sendable, Equatable {
    /// The status code, 100…999.
    public var status: Int
    /// The reason phrase; informative only (RFC 9112 §4).
    public var reason: String
    /// The header fields in order.
    public var headers: HTTPHeaders
    /// The x of HTTP/1.x: 1 when sending; what the peer said when parsed.
    public var versionMinor: Int

    /// Makes a response head with the standard reason phrase for `status`.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders()) {
        self.init(status: status, reason: HTTPReasonPhrase.phrase(for: status), headers: headers)
    }

    /// Makes a response head with an explicit reason phrase.
    public init(status: Int, reason: String, headers: HTTPHeaders = HTTPHeaders(), versionMinor: Int = 1) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.versionMinor = versionMinor
    }

    /// Whether the connection may carry another exchange after this response (RFC 9112 §9.3); a body delimited
    /// by closing the connection also ends it, which the response parser reports separately.
    public var keepAlive: Bool {
        HTTPConnectionRules.keepAlive(versionMinor: versionMinor, headers: headers)
    }

    /// Whether a response with this status never has a body, whatever its headers say: 1xx, 204, 304
    /// (RFC 9112 §6.3).
    public var isBodyless: Bool { HTTPResponseHead.isBodyless(status: status) }

    /// Whether `status` never carries a body.
    static func isBodyless(status: Int) -> Bool { (100..<200).contains(status) || status == 204 || status == 304 }
}
