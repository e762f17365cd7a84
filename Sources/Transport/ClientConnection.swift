// One client connection and its buffers: sends a request head and body, parses the response head, then yields the
// response body as the caller pulls it. Pooled by HTTPClient between exchanges; HTTP framing from the HTTP module.
import Glibc
import HTTP
import Posix
import Primitives

/// A connection to the server with its receive state; used by one exchange at a time.
// SAFETY: a connection is used by one thread at a time: the exchange that took it from the pool (under the pool's
// lock) owns it until it gives it back (under the lock again) or drops it.
final class ClientConnection: @unchecked Sendable {
    /// The stream to the server.
    let stream: any ConnectionStream
    /// "host:port", for errors.
    let peer: String
    /// Timeouts and limits.
    let configuration: HTTPClientConfiguration
    /// The clock deadlines are counted on (the client's).
    let clock: any TimeSource
    /// Raw bytes received; `input[inputStart..<inputEnd]` is not parsed yet.
    let input: UnsafeMutableRawBufferPointer
    var inputStart = 0
    var inputEnd = 0
    /// Body bytes parsed while the head was read, not yet handed out.
    let pending: UnsafeMutableRawBufferPointer
    var pendingStart = 0
    var pendingEnd = 0
    /// Where `.body` events are copied during a body read.
    var target: UnsafeMutableRawBufferPointer?
    var targetCount = 0
    /// The response parser, reused across exchanges.
    var parser: HTTPResponseParser
    /// The interim and final heads seen in the current exchange.
    var interimStatus: Int?
    var head: HTTPResponseHead?
    /// Whether the current response ended.
    var isResponseComplete = false
    /// Whether the stream ended (after which the parser was finished).
    var isStreamEnded = false
    /// Whether this connection carried at least one exchange before (a stale keep-alive may fail at once).
    var isReused = false

    /// Raw bytes the head phase parses per call, which bounds `pending`.
    static let headSliceBytes = 8 << 10

    /// Wraps a connected stream.
    init(stream: any ConnectionStream, peer: String, configuration: HTTPClientConfiguration, clock: any TimeSource) {
        self.stream = stream
        self.peer = peer
        self.configuration = configuration
        self.clock = clock
        input = .allocate(byteCount: configuration.bufferBytes, alignment: 16)
        pending = .allocate(byteCount: Self.headSliceBytes, alignment: 16)
        parser = HTTPResponseParser(limits: configuration.limits)
    }

    deinit {
        stream.close()
        input.deallocate()
        pending.deallocate()
    }

    /// A deadline one I/O timeout from now.
    var ioDeadline: Instant {
        clock.now().advanced(byTicks: ticks(seconds: configuration.ioTimeoutSeconds))
    }

    /// Whether the connection can carry another exchange: idle, nothing unread, and the server did not close it.
    var isReusable: Bool {
        guard isResponseComplete, !isStreamEnded, inputStart == inputEnd, pendingStart == pendingEnd else {
            return false
        }
        return (try? stream.waitUntilReadable(deadline: .zero)) == false
    }

    /// Prepares for a new exchange answering `method`.
    func begin(method: String) {
        parser.requestMethod = method
        interimStatus = nil
        head = nil
        isResponseComplete = false
        pendingStart = 0
        pendingEnd = 0
    }

    // MARK: - Sending

    /// Sends `buffers`, mapping failures to TransportError.
    func send(_ buffers: [UnsafeRawBufferPointer]) throws(TransportError) {
        do {
            try stream.sendAll(buffers, deadline: ioDeadline)
        } catch {
            throw TransportError(error, peer: peer, activity: "sending the request to")
        }
    }

    // MARK: - Receiving

    /// Reads until the final response head (nil deadline: the I/O timeout per receive); interim 100 Continue is
    /// remembered in `interimStatus`. With `stopAtInterim`, returns as soon as an interim head arrived.
    func readHead(stopAtInterim: Bool = false, deadline: Instant? = nil) throws(TransportError) -> Bool {
        while head == nil {
            if stopAtInterim && interimStatus != nil { return true }
            if inputStart < inputEnd {
                try parseInput(bytesMax: Self.headSliceBytes)
                continue
            }
            guard try receive(deadline: deadline ?? ioDeadline) else { return false }
            if isStreamEnded && head == nil {
                throw TransportError(.connectionClosed, "\(peer) closed the connection before answering")
            }
        }
        return true
    }

    /// Fills `buffer` with the next response body bytes; 0 once the body ended.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        guard !buffer.isEmpty else { return 0 }
        if pendingStart < pendingEnd {
            let count = min(buffer.count, pendingEnd - pendingStart)
            buffer.baseAddress!.copyMemory(from: pending.baseAddress! + pendingStart, byteCount: count)
            pendingStart += count
            return count
        }
        target = buffer
        targetCount = 0
        defer { target = nil }
        while targetCount == 0 && !isResponseComplete {
            if inputStart < inputEnd {
                try parseInput(bytesMax: buffer.count)
            } else if !(try receive(deadline: ioDeadline)) {
                throw TransportError(.timedOut, "receiving the response from \(peer): timed out")
            }
        }
        return targetCount
    }

    /// Receives more bytes; at the end of the stream, finishes the parser (which ends a read-until-close body or
    /// reports a cut-short response). False when `deadline` passed first.
    private func receive(deadline: Instant) throws(TransportError) -> Bool {
        precondition(inputStart == inputEnd, "receive only when every input byte was parsed")
        guard !isStreamEnded else {
            throw TransportError(.connectionClosed, "\(peer) closed the connection mid-response")
        }
        inputStart = 0
        inputEnd = 0
        do {
            inputEnd = try stream.receive(into: input, deadline: deadline)
        } catch  where error.errno == ETIMEDOUT {
            return false
        } catch {
            throw TransportError(error, peer: peer, activity: "receiving the response from")
        }
        if inputEnd == 0 {
            isStreamEnded = true
            do {
                try parser.finish { try handle($0) }
            } catch {
                throw Self.malformed(error, peer: peer)
            }
        }
        return true
    }

    /// Parses at most `bytesMax` unparsed bytes (a de-chunked body is never longer than its raw bytes).
    private func parseInput(bytesMax: Int) throws(TransportError) {
        let count = min(bytesMax, inputEnd - inputStart)
        let slice = UnsafeRawBufferPointer(rebasing: input[inputStart..<(inputStart + count)])
        do {
            inputStart += try parser.parse(slice) { try handle($0) }
        } catch {
            throw Self.malformed(error, peer: peer)
        }
        if inputStart == inputEnd {
            inputStart = 0
            inputEnd = 0
        }
    }

    /// Records one parser event.
    private func handle(_ event: HTTPResponseEvent) throws {
        switch event {
        case .interim(let interim): interimStatus = interim.status
        case .head(let parsed): head = parsed
        case .body(let bytes): keepBody(bytes)
        case .end: isResponseComplete = true
        }
    }

    /// Copies body bytes into the caller's buffer, or into `pending` while the head is being read.
    private func keepBody(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if let target {
            precondition(targetCount + bytes.count <= target.count, "the parser produced more than it was given")
            (target.baseAddress! + targetCount).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            targetCount += bytes.count
        } else {
            precondition(pendingEnd + bytes.count <= pending.count, "the parser produced more than it was given")
            (pending.baseAddress! + pendingEnd).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            pendingEnd += bytes.count
        }
    }

    /// A parse error as a TransportError naming the peer.
    private static func malformed(_ error: any Error, peer: String) -> TransportError {
        let reason = (error as? HTTPParseError)?.reason ?? "\(error)"
        return TransportError(.malformedResponse, "malformed response from \(peer): \(reason)")
    }
}
