// What the multipart reader reports, in order: for each part a head, body buffers and an end; then one end for the
// whole body. Owns the event shape only.

/// One step of a parsed multipart body. Body buffers are valid only during the handler call that receives them.
public enum MultipartEvent {
    /// A part's header fields (possibly none).
    case partHead(HTTPHeaders)
    /// Bytes of the current part's body, usually a slice of the reader's input.
    case partBody(UnsafeRawBufferPointer)
    /// The current part ended (its delimiter was read).
    case partEnd
    /// The close delimiter was read; what follows is epilogue and ignored.
    case end
}
