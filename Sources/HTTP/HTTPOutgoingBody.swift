// The rules a response body must keep once its head is sent: no body for 1xx/204/304 or HEAD, exactly
// Content-Length bytes when one was announced, chunked otherwise. Shared by BufferedResponseWriter and Transport's
// socket writer so both refuse the same mistakes.

/// How a response body is delimited, and how much of it was written so far.
public struct HTTPOutgoingBody: Sendable, Equatable {
    /// How the body is delimited on the wire.
    public enum Framing: Sendable, Equatable {
        /// No body at all (1xx, 204, 304, or the answer to HEAD).
        case none
        /// Exactly this many bytes.
        case contentLength(Int)
        /// Chunked transfer coding, added by the writer.
        case chunked
    }

    /// How the body is delimited.
    public let framing: Framing
    /// Body bytes written so far.
    public private(set) var writtenBytes = 0

    /// Decides the framing of the body that follows `head`. Throws for a Content-Length that is not one decimal
    /// number, or for a Transfer-Encoding set by the caller (the writer owns it).
    public init(head: HTTPResponseHead, isAnswerToHEAD: Bool = false) throws(HTTPWriteError) {
        let lengths = head.headers.listValues("Content-Length")
        if head.headers.contains("Transfer-Encoding") {
            throw HTTPWriteError(.invalidField, "Transfer-Encoding is set by the writer, not the responder")
        }
        if head.isBodyless || isAnswerToHEAD {
            framing = .none
        } else if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), first.utf8.count <= 18,
                first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let length = Int(first)
            else {
                throw HTTPWriteError(.invalidField, "Content-Length \(lengths) is not one decimal number")
            }
            framing = .contentLength(length)
        } else {
            framing = .chunked
        }
    }

    /// Records `count` more body bytes; throws if the framing does not allow them.
    public mutating func willWrite(_ count: Int) throws(HTTPWriteError) {
        guard count > 0 else { return }
        switch framing {
        case .none:
            throw HTTPWriteError(.bodyNotAllowed, "this response has no body, yet \(count) bytes were written")
        case .contentLength(let length):
            guard writtenBytes + count <= length else {
                throw HTTPWriteError(
                    .bodyLongerThanContentLength,
                    "Content-Length is \(length) but \(writtenBytes + count) body bytes were written")
            }
        case .chunked:
            break
        }
        writtenBytes += count
    }

    /// Checks that the body is complete before the response is finished.
    public func willFinish() throws(HTTPWriteError) {
        if case .contentLength(let length) = framing, writtenBytes != length {
            throw HTTPWriteError(
                .bodyShorterThanContentLength,
                "Content-Length is \(length) but the body ended after \(writtenBytes) bytes")
        }
    }
}
