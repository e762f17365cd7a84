// One server connection on its own owned thread: read a head, hand the request to the responder with a streaming
// body and a socket writer, map errors to statuses, drain or close, repeat while keep-alive holds. Reading is in
// ServerConnection+Input.swift, writing in ServerConnection+Output.swift.
import HTTP
import Posix
import Primitives

/// The state of one accepted connection; owned by its thread, never shared.
final class ServerConnection {
    /// The bytes in and out.
    let stream: any ConnectionStream
    /// Limits and timeouts.
    let configuration: HTTPServerConfiguration
    /// The application.
    let responder: any HTTPResponder
    /// Whether the connection is idle, shared with the accept loop, which may evict it when the server is full.
    let activity: ConnectionActivity
    /// Where internal failures are reported in full (the client gets a generic sentence).
    let log: @Sendable (String) -> Void
    /// Whether the server is stopping (checked between requests and when deciding keep-alive).
    let isStopping: @Sendable () -> Bool
    /// The clock for deadlines and idle times (the server's).
    let clock: any TimeSource
    /// The time of day for the Date header (the server's).
    let wallClock: any WallClock

    // MARK: Input state (ServerConnection+Input.swift)

    /// Raw bytes received from the stream; `input[inputStart..<inputEnd]` is not parsed yet.
    let input: UnsafeMutableRawBufferPointer
    var inputStart = 0
    var inputEnd = 0
    /// The parser of the current request, fresh for each.
    var parser: HTTPRequestParser
    /// Body bytes the parser produced while the head was being parsed, waiting for the responder's first read.
    let pending: UnsafeMutableRawBufferPointer
    var pendingStart = 0
    var pendingEnd = 0
    /// Where `.body` events are copied during a body read, and how much of it is filled.
    var target: UnsafeMutableRawBufferPointer?
    var targetCount = 0
    /// The current request's head once parsed.
    var head: HTTPRequestHead?
    /// Requests whose head was read on this connection.
    var requestCount = 0
    /// Whether the parser reported the current request's end.
    var isRequestComplete = false
    /// Body bytes the parser produced for the current request so far.
    var bodyBytesParsed = 0
    /// Whether the client waits for 100 Continue that has not been sent yet.
    var continueOwed = false
    /// The first error reading the body met (timeout, bad framing, client gone); every later read rethrows it.
    var inputFailure: (any Error)?
    /// Whether the client is known to be gone (end of stream or reset mid-request), so nothing more is sent.
    var isPeerGone = false
    /// Monotonic instant by which the whole body must have arrived, when configured.
    var bodyDeadline: Instant?
    /// Ticks spent waiting for body bytes, and bytes received, in the current rate window.
    var windowWaitTicks: Int64 = 0
    var windowBytes = 0

    // MARK: Output state (ServerConnection+Output.swift)

    /// Response bytes not sent yet (the head, small body writes).
    let output: UnsafeMutableRawBufferPointer
    var outputCount = 0
    /// The current response's framing rules, once its head was written.
    var outgoing: HTTPOutgoingBody?
    /// Whether the body goes out chunked (HTTP/1.1 without Content-Length).
    var isChunkedOnWire = false
    /// Whether the current response was finished.
    var isResponseFinished = false
    /// Whether the connection closes after the current response.
    var closeAfterResponse = false
    /// Whether bytes of the current response head already went out (after which no 100 Continue may be sent).
    var isHeadOnWire = false

    /// How many raw bytes the head phase parses per call, which bounds `pending`.
    static let headSliceBytes = 8 << 10
    /// Bytes of the output buffer; larger body writes go straight to the stream.
    static let outputBytes = 64 << 10

    /// Makes the state for one accepted stream.
    init(
        stream: any ConnectionStream, configuration: HTTPServerConfiguration, responder: any HTTPResponder,
        activity: ConnectionActivity, clock: any TimeSource, wallClock: any WallClock,
        log: @escaping @Sendable (String) -> Void, isStopping: @escaping @Sendable () -> Bool
    ) {
        self.stream = stream
        self.configuration = configuration
        self.responder = responder
        self.activity = activity
        self.clock = clock
        self.wallClock = wallClock
        self.log = log
        self.isStopping = isStopping
        input = .allocate(byteCount: configuration.receiveBufferBytes, alignment: 16)
        pending = .allocate(byteCount: Self.headSliceBytes, alignment: 16)
        output = .allocate(byteCount: Self.outputBytes, alignment: 16)
        parser = HTTPRequestParser(limits: configuration.limits)
    }

    deinit {
        input.deallocate()
        pending.deallocate()
        output.deallocate()
    }

    // MARK: - The request loop

    /// Serves requests until the client leaves, an error ends the connection, or the server stops; then closes.
    func run() {
        defer { stream.close() }
        while !isStopping() {
            let request: HTTPRequestHead
            do {
                guard let head = try readHead() else { return }
                request = head
            } catch let error as any HTTPStatusError {
                // A malformed, oversized or too slow head: answer its 4xx and close (RFC 9112 §9.6).
                answerError(status: error.status, reason: error.reason, headers: error.headers, close: true)
                closeLingering()
                return
            } catch {
                return
            }
            guard serve(request) else {
                if !isPeerGone && !isRequestComplete { closeLingering() }
                return
            }
        }
    }

    /// Answers one request; returns whether the connection may carry the next one.
    func serve(_ request: HTTPRequestHead) -> Bool {
        resetResponse()
        continueOwed = request.expectsContinue && !isRequestComplete
        if let expectation = request.unsupportedExpectations.first {
            answerError(
                status: 417, reason: "Expect: \(expectation) cannot be met; the only expectation met is 100-continue",
                close: true)
            return false
        }
        var body = RequestBody(connection: self)
        var writer = SocketResponseWriter(connection: self)
        do {
            try responder.respond(to: request, body: &body, response: &writer)
            if outgoing == nil {
                answerError(status: 500, reason: "the responder wrote no response", close: mustClose(request))
            } else if !isResponseFinished {
                try finishResponse()
            }
        } catch {
            if outgoing != nil || isPeerGone {
                if !isPeerGone { report(error, request: request) }
                return false
            }
            if let failure = inputFailure {
                let status = failure as? any HTTPStatusError
                answerError(
                    status: status?.status ?? 400, reason: status?.reason ?? "the request body failed",
                    headers: status?.headers ?? HTTPHeaders(), close: true)
                return false
            }
            answer(error, request: request)
        }
        if closeAfterResponse || isPeerGone || isStopping() { return false }
        return drainBody()
    }

    /// Answers what the responder threw: its own status for an HTTPStatusError, else 500. An internal failure
    /// (500) is answered with a generic sentence, its message going to the log, since it may name server paths.
    /// A 400 or 401 closes the connection: a client that sent a bad request or no valid token gets no second try
    /// on the slot it holds.
    func answer(_ error: any Error, request: HTTPRequestHead) {
        guard let status = error as? any HTTPStatusError, status.status != 500 else {
            report(error, request: request)
            answerError(status: 500, reason: Self.internalFailureReason, close: mustClose(request))
            return
        }
        let headers = status.headers
        let isClosing =
            status.status == 400 || status.status == 401
            || headers.listValues("Connection").contains { $0.lowercased() == "close" }
        answerError(
            status: status.status, reason: status.reason, headers: headers, close: isClosing || mustClose(request))
    }

    /// The sentence a client gets for an internal failure.
    static let internalFailureReason = "internal server error"

    /// Logs an internal failure with the request and client it happened to.
    func report(_ error: any Error, request: HTTPRequestHead) {
        let text = (error as? any HTTPStatusError).map { "HTTP \($0.status): \($0.reason)" } ?? "\(error)"
        log("\(request.method) \(request.path) from \(stream.peerAddress) failed: \(text)")
    }

    /// Whether this response must end the connection: the client or the server asked for it, the body cannot be
    /// read any more, or its unread rest is too long to drain.
    func mustClose(_ request: HTTPRequestHead) -> Bool {
        if !request.keepAlive || isStopping() || inputFailure != nil || isPeerGone { return true }
        if isRequestComplete { return false }
        if continueOwed { return true }  // the client still waits to send a body nobody asked for
        if let declared = request.headers["Content-Length"].flatMap({ Int($0) }) {
            return declared - bodyBytesParsed + (pendingEnd - pendingStart) > configuration.drainBytesMax
        }
        return false
    }

    /// Reads and discards what the responder left of the body, up to `drainBytesMax`; whether the request ended.
    func drainBody() -> Bool {
        var discarded = 0
        while !isRequestComplete || pendingStart < pendingEnd {
            guard discarded <= configuration.drainBytesMax else { return false }
            let scratch = UnsafeMutableRawBufferPointer(rebasing: output[0..<Self.outputBytes])
            guard let count = try? readBody(into: scratch), count > 0 || isRequestComplete else { return false }
            discarded += count
        }
        return true
    }
}

/// A status the connection itself answers with (timeouts), as an HTTPStatusError.
struct ConnectionStatusError: HTTPStatusError, CustomStringConvertible {
    /// The status code.
    let status: Int
    /// The sentence for the client.
    let reason: String

    var description: String { "HTTP \(status): \(reason)" }
}

/// The error a body read throws once the client closed or reset the connection mid-body.
struct PeerGoneError: Error, CustomStringConvertible {
    /// The client's address.
    let peer: String

    var description: String { "\(peer) closed the connection before the request body was complete" }
}
