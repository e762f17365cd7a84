// The one error type of the DICOMweb module and the one place its codes become HTTP statuses (STYLE.md, "Errors").
// Per-instance STOW failures are not errors: they go into the FailedSOPSequence (StoreOutcome).
public import HTTP

/// A request DICOMweb cannot answer as asked, with the status and a sentence for the client.
public struct DICOMwebError: HTTPStatusError, Sendable, CustomStringConvertible {
    /// What kind of failure; the HTTP status follows from it alone.
    public enum Code: Sendable, Equatable {
        /// The request is malformed: a bad parameter, UID or multipart framing (400).
        case badRequest
        /// No valid bearer token (401, with `WWW-Authenticate: Bearer`).
        case unauthorized
        /// The token's role may not do this (403).
        case forbidden
        /// No such study, series, instance or path (404).
        case notFound
        /// The path exists but not for this method (405, with `Allow`).
        case methodNotAllowed(allowed: [String])
        /// No representation the client accepts (406).
        case notAcceptable
        /// A STOW-RS request of which no instance was stored for a conflict (409); see StoreOutcome.
        case conflict
        /// The body is too large or has too many parts (413).
        case payloadTooLarge
        /// The request's media type is not one this resource consumes (415).
        case unsupportedMediaType
        /// The store or catalog failed (500).
        case internalFailure
        /// Too few volumes or the disk is full (503).
        case unavailable
    }

    /// What kind of failure.
    public let code: Code
    /// A sentence for the client saying what was wrong.
    public let reason: String

    /// Makes an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The HTTP status for `code`: the only mapping in the module.
    public var status: Int {
        switch code {
        case .badRequest: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .notAcceptable: 406
        case .conflict: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .internalFailure: 500
        case .unavailable: 503
        }
    }

    /// `WWW-Authenticate` for a 401 (RFC 6750 §3), `Allow` for a 405 (RFC 9110 §15.5.6).
    public var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        switch code {
        case .unauthorized:
            headers.add("WWW-Authenticate", #"Bearer realm="tessera""#)
        case .forbidden:
            headers.add("WWW-Authenticate", #"Bearer realm="tessera", error="insufficient_scope""#)
        case .methodNotAllowed(let allowed):
            headers.add("Allow", allowed.joined(separator: ", "))
        default:
            break
        }
        return headers
    }

    public var description: String { "\(status) \(reason)" }
}
