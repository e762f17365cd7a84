// A request's line and header fields, as the parser received them or as a client will send them. Owns the value
// and its connection rules; the target's path and query decoding live in HTTPRequestHead+Target.swift.

/// The request line and header fields of one HTTP/1.x request.
public struct HTTPRequestHead: Sendable, Equatable {
    /// "GET", "POST", … as received; methods are case-sensitive tokens (RFC 9110 §9.1).
    public var method: String
    /// The raw request-target, e.g. "/dicom-web/studies?PatientID=1".
    public var target: String
    /// The x of HTTP/1.x: 0 or 1.
    public var versionMinor: Int
    /// The header fields in order.
    public var headers: HTTPHeaders

    /// Makes a request head.
    public init(method: String, target: String, versionMinor: Int = 1, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        self.versionMinor = versionMinor
        self.headers = headers
    }

    /// Whether the connection stays open after this exchange: HTTP/1.1 unless `Connection: close`, HTTP/1.0 only
    /// with `Connection: keep-alive` (RFC 9112 §9.3).
    public var keepAlive: Bool {
        HTTPConnectionRules.keepAlive(versionMinor: versionMinor, headers: headers)
    }

    /// Whether the client waits for `100 Continue` before sending its body (RFC 9110 §10.1.1). An HTTP/1.0
    /// request's expectation MUST be ignored.
    public var expectsContinue: Bool {
        versionMinor >= 1
            && headers.listValues("Expect").contains { HTTPFieldSyntax.equalsIgnoringCase($0, "100-continue") }
    }

    /// The expectations other than 100-continue the request states, which a server answers 417. An Expect field
    /// with an empty value states none (some clients send one), and an HTTP/1.0 request's are ignored.
    public var unsupportedExpectations: [String] {
        guard versionMinor >= 1 else { return [] }
        return headers.listValues("Expect").filter { !HTTPFieldSyntax.equalsIgnoringCase($0, "100-continue") }
    }
}

/// Connection persistence rules shared by requests and responses (RFC 9112 §9.3).
enum HTTPConnectionRules {
    /// Whether a message of `versionMinor` with `headers` lets the connection persist.
    static func keepAlive(versionMinor: Int, headers: HTTPHeaders) -> Bool {
        let options = headers.listValues("Connection")
        if options.contains(where: { HTTPFieldSyntax.equalsIgnoringCase($0, "close") }) { return false }
        if versionMinor >= 1 { return true }
        return options.contains { HTTPFieldSyntax.equalsIgnoringCase($0, "keep-alive") }
    }
}
