// The one error type of the Transport module (STYLE.md, "Errors"): what went wrong talking HTTP over a connection,
// naming the peer. Servers answer their own errors with statuses; this is mostly what HTTPClient throws.
import Glibc
public import Primitives

/// A failed HTTP exchange: connecting, sending, receiving or making sense of the answer.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; the set is open, so callers switch with a default.
    public enum Code: Sendable, Equatable {
        /// The base URL or a target could not be used (not http://host:port, bad characters).
        case invalidURL
        /// No connection could be made (refused, unreachable, name not found).
        case connectionFailed
        /// A deadline passed: connecting, sending, or waiting for the answer.
        case timedOut
        /// The peer closed the connection or reset it mid-exchange.
        case connectionClosed
        /// The answer broke HTTP/1.1 or one of our limits.
        case malformedResponse
        /// The request could not be sent as asked (bad header, body shorter than its length).
        case invalidRequest
        /// The TLS handshake failed (a certificate not of this cluster, none given, a name that does not match) or
        /// a TLS record was bad.
        case tls
        /// Any other system-call failure.
        case systemError
    }

    /// What went wrong.
    public let code: Code
    /// A sentence naming the peer and what failed, e.g. "connect 127.0.0.1:9: Connection refused".
    public let message: String
    /// The system error underneath, when there was one.
    public let systemError: SystemError?

    /// Makes an error.
    public init(_ code: Code, _ message: String, systemError: SystemError? = nil) {
        self.code = code
        self.message = message
        self.systemError = systemError
    }

    /// Classifies a failed system call on the connection to `peer` during `activity` ("sending the request").
    init(_ error: SystemError, peer: String, activity: String) {
        let code: Code =
            switch error.errno {
            case ETIMEDOUT: .timedOut
            case EPIPE, ECONNRESET, ECONNABORTED: .connectionClosed
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL: .connectionFailed
            case EPROTO: .tls
            default: .systemError
            }
        let what = code == .timedOut ? "timed out" : error.reason
        self.init(code, "\(activity) \(peer): \(what)", systemError: error)
    }

    public var description: String { message }
}
