// Writing responses on a server connection: the head (with the Connection and Transfer-Encoding fields the server
// owns), body bytes buffered when small and sent in one vectored send when large, chunked framing, error answers.
import HTTP
import Posix
import Primitives

extension ServerConnection {
    /// Body writes at least this long skip the output buffer and go out in one vectored send.
    static let directWriteBytesMin = 16 << 10

    /// Forgets the previous response.
    func resetResponse() {
        outgoing = nil
        isChunkedOnWire = false
        isResponseFinished = false
        closeAfterResponse = false
        isHeadOnWire = false
        outputCount = 0
    }

    /// Buffers the head, adding Transfer-Encoding: chunked when there is no Content-Length and Connection: close
    /// when the connection ends after this response.
    func writeHead(_ head: HTTPResponseHead) throws {
        guard outgoing == nil, let request = self.head else {
            throw HTTPWriteError(.outOfOrder, "writeHead called twice")
        }
        var head = head
        head.versionMinor = 1
        let framing = try HTTPOutgoingBody(head: head, isAnswerToHEAD: request.method == "HEAD")
        closeAfterResponse = mustClose(request)
        if framing.framing == .chunked {
            if request.versionMinor >= 1 {
                head.headers.add("Transfer-Encoding", "chunked")
                isChunkedOnWire = true
            } else {
                closeAfterResponse = true  // HTTP/1.0 has no chunked coding: the close ends the body
            }
        }
        if !head.headers.contains("Date") { head.headers.add("Date", HTTPDate.current(from: wallClock)) }
        if closeAfterResponse {
            head.headers.replace("Connection", "close")
        } else if request.versionMinor == 0 {
            head.headers.replace("Connection", "keep-alive")
        }
        let bytes = try head.serialized()
        outgoing = framing
        try bytes.withUnsafeBytes { try append(parts: [$0]) }
    }

    /// Sends body bytes, framed as the head decided.
    func writeBody(_ bytes: UnsafeRawBufferPointer) throws {
        guard var framing = outgoing, !isResponseFinished else {
            throw HTTPWriteError(.outOfOrder, outgoing == nil ? "writeBody before writeHead" : "writeBody after finish")
        }
        try framing.willWrite(bytes.count)
        outgoing = framing
        guard !bytes.isEmpty else { return }
        if isChunkedOnWire {
            let chunkHead = HTTPChunkedFraming.chunkHead(count: bytes.count)
            try chunkHead.withUnsafeBytes { head in
                try HTTPChunkedFraming.chunkTail.withUnsafeBytes { tail in
                    try append(parts: [head, bytes, tail])
                }
            }
        } else {
            try append(parts: [bytes])
        }
    }

    /// Ends the response: the last chunk when chunked, then everything buffered goes out.
    func finishResponse() throws {
        guard let framing = outgoing, !isResponseFinished else {
            throw HTTPWriteError(.outOfOrder, outgoing == nil ? "finish before writeHead" : "finish called twice")
        }
        try framing.willFinish()
        if isChunkedOnWire {
            try HTTPChunkedFraming.lastChunk.withUnsafeBytes { try append(parts: [$0]) }
        }
        try flush()
        isResponseFinished = true
    }

    /// Copies `parts` into the output buffer when they are small and fit; otherwise sends the buffer and the parts
    /// in one vectored send.
    private func append(parts: [UnsafeRawBufferPointer]) throws {
        let total = parts.reduce(0) { $0 + $1.count }
        if total < Self.directWriteBytesMin && outputCount + total <= output.count {
            for part in parts where !part.isEmpty {
                (output.baseAddress! + outputCount).copyMemory(from: part.baseAddress!, byteCount: part.count)
                outputCount += part.count
            }
            return
        }
        try send([UnsafeRawBufferPointer(rebasing: output[0..<outputCount])] + parts)
        outputCount = 0
    }

    /// Sends what the output buffer holds.
    func flush() throws {
        guard outputCount > 0 else { return }
        try send([UnsafeRawBufferPointer(rebasing: output[0..<outputCount])])
        outputCount = 0
    }

    /// Sends `parts`; a failure means the client is gone.
    private func send(_ parts: [UnsafeRawBufferPointer]) throws {
        isHeadOnWire = outgoing != nil
        do {
            try stream.sendAll(
                parts, deadline: clock.now().advanced(byTicks: ticks(seconds: configuration.sendTimeoutSeconds)))
        } catch {
            isPeerGone = true
            throw TransportError(error, peer: stream.peerAddress, activity: "sending the response to")
        }
    }

    /// Sends a complete text/plain answer for an error: `reason` as the body, `headers` added.
    func answerError(status: Int, reason: String, headers: HTTPHeaders = HTTPHeaders(), close: Bool) {
        guard !isPeerGone else { return }
        var fields = headers
        let text = Array((reason + "\n").utf8)
        fields.replace("Content-Type", "text/plain; charset=utf-8")
        fields.replace("Content-Length", String(text.count))
        fields.replace("Date", HTTPDate.current(from: wallClock))
        if close || head == nil { fields.replace("Connection", "close") }
        var response = HTTPResponseHead(status: status, headers: fields)
        response.versionMinor = 1
        outputCount = 0
        // A reason or header with bytes HTTP cannot carry falls back to the bare status.
        let fallback = HTTPResponseHead(
            status: status, headers: HTTPHeaders([("Content-Length", String(text.count)), ("Connection", "close")]))
        guard var bytes = (try? response.serialized()) ?? (try? fallback.serialized()) else { return }
        if head?.method != "HEAD" { bytes += text }
        closeAfterResponse = close || head == nil
        outgoing = try? HTTPOutgoingBody(head: HTTPResponseHead(status: 204))
        isResponseFinished = true
        try? bytes.withUnsafeBytes { try send([$0]) }
    }
}

/// The response writer a responder gets: writes through to the connection's socket.
struct SocketResponseWriter: HTTPResponseWriter {
    /// The connection it writes to.
    let connection: ServerConnection

    mutating func writeHead(_ head: HTTPResponseHead) throws { try connection.writeHead(head) }

    mutating func writeBody(_ bytes: UnsafeRawBufferPointer) throws { try connection.writeBody(bytes) }

    mutating func finish() throws { try connection.finishResponse() }
}
