// What the response parser reports, in order: interim 1xx heads, one final head, body buffers, one end. Owns the
// event shape only.

/// One step of a parsed response. Body buffers are valid only during the handler call that receives them.
public enum HTTPResponseEvent {
    /// An interim 1xx response other than 101 (e.g. 100 Continue); the final response follows.
    case interim(HTTPResponseHead)
    /// The final response's status line and header fields.
    case head(HTTPResponseHead)
    /// Body bytes (de-chunked), often a slice of the parser's input.
    case body(UnsafeRawBufferPointer)
    /// The response is complete; the parser stops right after this.
    case end
}
