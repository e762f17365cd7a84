// Shared pieces of the Transport tests: a routing test responder, a raw socket client that speaks bytes (for
// pipelining, malformed input and slow clients), and helpers that run blocking work on owned threads.
import Glibc
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing
import Transport

/// Runs blocking `body` on an owned thread and rethrows its error in the awaiting task.
func blocking<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await runOnOwnedThread { Result { try body() } }.get()
}

/// A deadline `seconds` from now.
func deadline(seconds: Double) -> Instant {
    MonotonicClock().now().advanced(byTicks: Int64(seconds * 1_000_000))
}

/// Starts a server with `configuration`, `responder` and `wallClock` (the real one unless a test fixes the time of
/// day), runs `body`, and always stops the server.
func withServer<Value>(
    _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    responder: some HTTPResponder = TestResponder(), wallClock: any WallClock = RealTimeClock(),
    _ body: (HTTPServer) throws -> Value
) throws -> Value {
    let server = try HTTPServer(
        configuration: configuration, responder: responder, clock: MonotonicClock(), wallClock: wallClock)
    try server.start()
    defer { server.stop() }
    return try body(server)
}

/// What the test responder saw, shared with the test.
final class ResponderLog: Sendable {
    private let state = Mutex<(bodyBytes: Int, largestRead: Int, requests: Int, errors: [String])>((0, 0, 0, []))

    /// Counts one request.
    func request() { state.withLock { $0.requests += 1 } }
    /// Records one body read of `count` bytes.
    func read(_ count: Int) {
        state.withLock { state in
            state.bodyBytes += count
            state.largestRead = max(state.largestRead, count)
        }
    }
    /// Records an error a responder saw.
    func error(_ error: any Error) { state.withLock { $0.errors.append("\(error)") } }
    /// Body bytes read in all.
    var bodyBytes: Int { state.withLock { $0.bodyBytes } }
    /// The largest single body read.
    var largestRead: Int { state.withLock { $0.largestRead } }
    /// Requests seen.
    var requests: Int { state.withLock { $0.requests } }
    /// Errors seen.
    var errors: [String] { state.withLock { $0.errors } }
}

/// A status error a responder throws.
struct TestStatusError: HTTPStatusError {
    let status: Int
    let reason: String
    var headers = HTTPHeaders()
}

/// Routes by path: /hello, /echo, /echo-chunked, /count, /generate, /reject, /auth, /fail, /late-fail, /ignore,
/// /silent.
struct TestResponder: HTTPResponder {
    let log = ResponderLog()

    func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        log.request()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        func readAll() throws -> [UInt8] {
            var bytes: [UInt8] = []
            while true {
                let count = try body.read(into: buffer)
                if count == 0 { return bytes }
                log.read(count)
                bytes += buffer[0..<count]
            }
        }
        func send(_ text: String, status: Int = 200) throws {
            let bytes = Array(text.utf8)
            try response.writeHead(
                HTTPResponseHead(status: status, headers: HTTPHeaders([("Content-Length", String(bytes.count))])))
            if request.method != "HEAD" { try bytes.withUnsafeBytes { try response.writeBody($0) } }
            try response.finish()
        }
        switch request.path {
        case "/hello":
            try send("hello")
        case "/echo":
            let bytes = try readAll()
            try response.writeHead(
                HTTPResponseHead(status: 200, headers: HTTPHeaders([("Content-Length", String(bytes.count))])))
            try bytes.withUnsafeBytes { try response.writeBody($0) }
            try response.finish()
        case "/echo-chunked":
            try response.writeHead(HTTPResponseHead(status: 200))
            while true {
                let count = try body.read(into: buffer)
                if count == 0 { break }
                log.read(count)
                try response.writeBody(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
            try response.finish()
        case "/count":
            do {
                var total = 0
                while true {
                    let count = try body.read(into: buffer)
                    if count == 0 { break }
                    log.read(count)
                    total += count
                }
                try send(String(total))
            } catch {
                log.error(error)
                throw error
            }
        case "/generate":
            try generate(request, buffer: buffer, response: &response)
        case "/reject":
            throw TestStatusError(status: 413, reason: "this upload is too large for the test")
        case "/auth":
            throw TestStatusError(
                status: 401, reason: "a bearer token is required",
                headers: HTTPHeaders([("WWW-Authenticate", "Bearer")]))
        case "/fail":
            throw TestStatusError(status: 999, reason: "unused").asPlainError
        case "/late-fail":
            try response.writeHead(HTTPResponseHead(status: 200))
            throw TestStatusError(status: 500, reason: "after the head")
        case "/ignore":
            try send("ignored")
        case "/silent":
            return
        case "/slow":
            usleep(300_000)
            try send("late")
        default:
            throw TestStatusError(status: 404, reason: "no route for \(request.path)")
        }
    }

    /// Streams `bytes=N` pattern bytes, with Content-Length unless `chunked=1`.
    private func generate(
        _ request: HTTPRequestHead, buffer: UnsafeMutableRawBufferPointer, response: inout some HTTPResponseWriter
    ) throws {
        let query = Dictionary(request.queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let total = Int(query["bytes"] ?? "0") ?? 0
        var headers = HTTPHeaders()
        if query["chunked"] != "1" { headers.add("Content-Length", String(total)) }
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
        // The pattern repeats every patternPeriod bytes, which divides the buffer: fill once, send many times.
        for index in 0..<buffer.count { buffer[index] = Self.pattern(at: index) }
        var sent = 0
        while sent < total {
            let count = min(buffer.count, total - sent)
            try response.writeBody(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            sent += count
        }
        try response.finish()
    }

    /// The byte at `offset` of generated bodies; it repeats every 64 KiB.
    static func pattern(at offset: Int) -> UInt8 {
        let phase = offset & 0xFFFF
        return UInt8(truncatingIfNeeded: phase &* 7 &+ phase >> 8)
    }
}

/// An error that is not an HTTPStatusError.
struct PlainError: Error {}

extension TestStatusError {
    /// A plain error, for the 500 path.
    var asPlainError: PlainError { PlainError() }
}

/// A client that speaks raw bytes over a socket and parses what comes back.
final class RawClient {
    let socket: Socket
    private var parser = HTTPResponseParser(limits: HTTPLimits())
    private var leftover: [UInt8] = []
    private var isEnded = false

    /// Connects to the server at `host`:`port`, from `localHost` when given.
    init(host: String = "127.0.0.1", port: Int, localHost: String? = nil) throws {
        socket = try Socket.connect(host: host, port: port, localHost: localHost, deadline: deadline(seconds: 10))
    }

    /// Sends `text` as bytes.
    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends `bytes`.
    func send(_ bytes: [UInt8]) throws { try sendBytes(bytes, on: socket) }

    /// Reads one response (interim ones are collected too); nil when the connection ended before any byte.
    func readResponse(method: String = "GET", seconds: Double = 20) throws
        -> (head: HTTPResponseHead, body: [UInt8], interim: [Int])?
    {
        parser.requestMethod = method
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        var interim: [Int] = []
        var isComplete = false
        let until = deadline(seconds: seconds)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !isComplete {
            if !leftover.isEmpty {
                let consumed = try leftover.withUnsafeBytes { bytes in
                    try parser.parse(bytes) { event in
                        switch event {
                        case .interim(let interimHead): interim.append(interimHead.status)
                        case .head(let parsed): head = parsed
                        case .body(let bytes): body += bytes
                        case .end: isComplete = true
                        }
                    }
                }
                leftover.removeFirst(consumed)
                continue
            }
            if isEnded { return nil }
            let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: until) }
            if count == 0 {
                isEnded = true
                if head == nil { return nil }
                try parser.finish { if case .end = $0 { isComplete = true } }
                continue
            }
            leftover += buffer[0..<count]
        }
        return (head!, body, interim)
    }

    /// Whether the server closes the connection (end of stream or reset) within `seconds`, discarding bytes.
    func isClosedByServer(seconds: Double = 20) -> Bool {
        if isEnded { return true }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let until = deadline(seconds: seconds)
        while true {
            do {
                let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: until) }
                if count == 0 { return true }
            } catch let error as SystemError {
                return error.errno == ECONNRESET
            } catch {
                return false
            }
        }
    }

    /// Closes the socket.
    func close() { socket.close() }
}

/// Sends `bytes` on `socket` (for sender threads, which may capture the Sendable socket but not a RawClient).
func sendBytes(_ bytes: [UInt8], on socket: Socket) throws {
    try bytes.withUnsafeBytes { try socket.sendAll($0, deadline: deadline(seconds: 30)) }
}

/// A wall clock that always reads the same instant, so an answer's Date header is known in advance.
struct FixedWallClock: WallClock {
    let milliseconds: Int64
    func millisecondsSinceEpoch() -> Int64 { milliseconds }
}
