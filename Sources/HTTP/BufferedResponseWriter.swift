// A response writer that keeps everything in memory, for in-process ("router") tests of responders: the same test
// body runs against a BufferedResponseWriter and against a live socket. Owns no I/O.

/// Keeps the head and body bytes a responder wrote, refusing the mistakes a socket writer would refuse.
public struct BufferedResponseWriter: HTTPResponseWriter, Sendable {
    /// The head, once written.
    public private(set) var head: HTTPResponseHead?
    /// The body bytes written so far (not chunk-framed).
    public private(set) var body: [UInt8] = []
    /// Whether finish() was called.
    public private(set) var isFinished = false
    /// Whether the head was sent without Content-Length, so a socket writer would have chunked the body.
    public var isChunked: Bool { outgoing?.framing == .chunked }

    private let isAnswerToHEAD: Bool
    private var outgoing: HTTPOutgoingBody?

    /// Makes an empty writer; `isAnswerToHEAD` forbids body bytes as a HEAD request does.
    public init(isAnswerToHEAD: Bool = false) { self.isAnswerToHEAD = isAnswerToHEAD }

    public mutating func writeHead(_ head: HTTPResponseHead) throws {
        guard self.head == nil else { throw HTTPWriteError(.outOfOrder, "writeHead called twice") }
        _ = try head.serialized()
        outgoing = try HTTPOutgoingBody(head: head, isAnswerToHEAD: isAnswerToHEAD)
        self.head = head
    }

    public mutating func writeBody(_ bytes: UnsafeRawBufferPointer) throws {
        guard var outgoing, !isFinished else {
            throw HTTPWriteError(.outOfOrder, isFinished ? "writeBody after finish" : "writeBody before writeHead")
        }
        try outgoing.willWrite(bytes.count)
        self.outgoing = outgoing
        body.append(contentsOf: bytes)
    }

    public mutating func finish() throws {
        guard let outgoing, !isFinished else {
            throw HTTPWriteError(.outOfOrder, isFinished ? "finish called twice" : "finish before writeHead")
        }
        try outgoing.willFinish()
        isFinished = true
    }

    /// The body as UTF-8 text, for assertions on small text answers.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
