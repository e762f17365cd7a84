// What the request parser reports, in order: one head, body buffers, one end. Owns the event shape only.

/// One step of a parsed request. Body buffers are valid only during the handler call that receives them.
public enum HTTPRequestEvent {
    /// The request line and header fields, once the empty line after them arrived.
    case head(HTTPRequestHead)
    /// Body bytes (de-chunked), often a slice of the parser's input.
    case body(UnsafeRawBufferPointer)
    /// The request is complete; the parser stops right after this.
    case end
}
