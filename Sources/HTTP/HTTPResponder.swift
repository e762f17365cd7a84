// The one entry point of an HTTP application: DICOMweb, the admin API and tests implement it, Transport's server
// and the in-process router tests call it. Owns the protocol only.
public import Primitives

/// Answers requests; the same value serves every connection, so it must be Sendable.
public protocol HTTPResponder: Sendable {
    /// Answers one request on the calling thread, an owned thread that may block. `body` yields the request body
    /// (de-chunked) and then 0. Throwing an HTTPStatusError before writeHead makes the server answer that status
    /// with `reason` as a text/plain body; any other error before writeHead is a 500; an error after writeHead
    /// closes the connection.
    func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws
}
