// The seam a responder writes its answer through: a socket writer in Transport, a BufferedResponseWriter in tests.
// Owns the protocol only.

/// Where a responder sends its response head and body.
public protocol HTTPResponseWriter {
    /// Sends the head. With a Content-Length header the body must be exactly that long; without one the body is
    /// sent chunked (the writer adds Transfer-Encoding: chunked).
    mutating func writeHead(_ head: HTTPResponseHead) throws
    /// Sends body bytes; `bytes` is only valid during the call.
    mutating func writeBody(_ bytes: UnsafeRawBufferPointer) throws
    /// Ends the body; the response is complete.
    mutating func finish() throws
}
