// How errors become HTTP answers: a front end maps any HTTPStatusError to its status, reason and headers in one
// place (STYLE.md, "Errors"; Hummingbird's HTTPResponseError). Owns the protocol only.

/// An error that knows which HTTP status answers it.
public protocol HTTPStatusError: Error {
    /// The status code to answer with, 400…599.
    var status: Int { get }
    /// A sentence for the client saying what was wrong.
    var reason: String { get }
    /// Extra headers for the answer, e.g. WWW-Authenticate for a 401.
    var headers: HTTPHeaders { get }
}

extension HTTPStatusError {
    /// No extra headers by default.
    public var headers: HTTPHeaders { HTTPHeaders() }
}
