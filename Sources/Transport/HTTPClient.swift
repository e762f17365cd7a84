// A blocking HTTP/1.1 client for `tessera store/fetch/find`, tests and node-to-node calls: one base URL, kept-alive
// connections reused, request bodies streamed from a ByteSource, response bodies streamed back; https through a
// TLSContext.
public import HTTP
public import Posix
public import Primitives
import Synchronization

/// A client for one server, `http://host:port[/prefix]`. Any thread may use it; each call blocks that thread, so
/// call it from owned threads, never from the cooperative pool.
public final class HTTPClient: Sendable {
    /// The server's host as given ("127.0.0.1", "[::1]", a name).
    public let host: String
    /// The server's port.
    public let port: Int
    /// A path every target is appended to ("" or e.g. "/dicom-web").
    public let basePath: String
    /// Headers sent with every request (e.g. Authorization), before the call's own.
    public let defaultHeaders: HTTPHeaders
    /// Timeouts, limits and pooling.
    public let configuration: HTTPClientConfiguration
    /// The clock connect, send and receive deadlines are counted on. The sockets are real and wait with poll on
    /// CLOCK_MONOTONIC, so it MUST count in that timebase (Posix's MonotonicClock).
    public let clock: any TimeSource
    /// Wraps each connected socket (identity for plain TCP; the seam where TLS slots in).
    private let makeStream: @Sendable (Socket, _ host: String) throws -> any ConnectionStream
    /// Idle kept-alive connections, most recent last.
    private let idle = Mutex<[ClientConnection]>([])

    /// Makes a client for `baseURL` ("http://host:port", optionally with a path prefix). Connects lazily.
    ///
    /// Throws TransportError(.invalidURL) for anything else; "https://" needs `tls`, a client TLSContext, whose
    /// CA the server's certificate must chain to and which presents a client certificate when it has one.
    public convenience init(
        baseURL: String, headers: HTTPHeaders = HTTPHeaders(),
        configuration: HTTPClientConfiguration = HTTPClientConfiguration(), clock: any TimeSource,
        tls: TLSContext? = nil
    ) throws {
        let isSecure = baseURL.hasPrefix("https://")
        if isSecure && tls == nil {
            throw TransportError(.invalidURL, "base URL \(baseURL) is https but no TLS settings were given")
        }
        let timeout = Int64(configuration.connectTimeoutSeconds * Double(Instant.ticksPerSecond))
        try self.init(
            baseURL: baseURL, headers: headers, configuration: configuration, clock: clock,
            makeStream: { socket, host in
                guard isSecure, let tls else { return socket }
                return try tls.connect(socket, host: host, deadline: clock.now().advanced(byTicks: timeout))
            })
    }

    /// Makes a client like `init(baseURL:headers:configuration:clock:)`, with `makeStream` turning each new
    /// connection into the stream requests go over (given the host, e.g. for TLS server-name checks).
    public init(
        baseURL: String, headers: HTTPHeaders = HTTPHeaders(),
        configuration: HTTPClientConfiguration = HTTPClientConfiguration(), clock: any TimeSource,
        makeStream: @escaping @Sendable (Socket, _ host: String) throws -> any ConnectionStream
    ) throws {
        self.makeStream = makeStream
        self.clock = clock
        let parts = try Self.parse(baseURL: baseURL)
        host = parts.host
        port = parts.port
        basePath = parts.path
        defaultHeaders = headers
        self.configuration = configuration
    }

    /// Sends one request and returns once the response head arrived; the body streams from the result.
    ///
    /// - `body`: read to its end (or to `bodyLength`) and sent as it is read; with `bodyLength` it goes out with
    ///   Content-Length, otherwise chunked.
    /// - `expectContinue`: send `Expect: 100-continue` and wait (up to `continueTimeoutSeconds`) for the server's
    ///   go-ahead before the body; a final answer instead (401, 413…) is returned without sending the body.
    /// - `headDeadline`: throw TransportError(.timedOut), dropping the connection, when the head has not arrived by
    ///   then (a read hedging to another server). It bounds a new connection's connect too: a server behind a link
    ///   that drops packets leaves the connect waiting on SYN retransmissions (1 s, then 2 s more), which is
    ///   exactly the wait a hedge is there to cut.
    ///
    /// A request without a body, or with one in memory, that fails on a reused connection before any answer is
    /// retried once on a new one.
    public func send(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: (any ByteSource)? = nil,
        bodyLength: Int? = nil, expectContinue: Bool = false, headDeadline: Instant? = nil
    ) throws -> HTTPClientResponse {
        let head = try makeHead(
            method: method, target: target, headers: headers, hasBody: body != nil,
            bodyLength: bodyLength, expectContinue: expectContinue)
        var request = ClientRequest(head: head, body: body, bodyLength: bodyLength, headDeadline: headDeadline)
        let connection = try takeConnection(by: headDeadline)
        do {
            return try exchange(&request, on: connection)
        } catch
            where error is TransportError && connection.isReused && (body == nil || body is MemorySource)
            && connection.head == nil
        {
            // The server closed the kept-alive connection as we reused it (or a partition reset it); nothing was
            // answered, so try once more. A body in memory is sent again from its start (`body` is the caller's
            // copy, a value the first attempt did not advance).
            var again = ClientRequest(head: head, body: body, bodyLength: bodyLength, headDeadline: headDeadline)
            return try exchange(&again, on: try connect(by: headDeadline))
        }
    }

    /// Sends a request whose body is already in memory.
    public func send(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), bytes: [UInt8],
        expectContinue: Bool = false
    ) throws -> HTTPClientResponse {
        try send(
            method: method, target: target, headers: headers, body: MemorySource(bytes),
            bodyLength: bytes.count, expectContinue: expectContinue)
    }

    /// Closes every idle connection (open exchanges finish on their own).
    public func close() {
        let connections = idle.withLock { idle in
            defer { idle = [] }
            return idle
        }
        for connection in connections { connection.stream.close() }
    }

    // MARK: - One exchange

    /// Sends `request` on `connection` and reads the response head.
    private func exchange(_ request: inout ClientRequest, on connection: ClientConnection) throws -> HTTPClientResponse
    {
        connection.begin(method: request.head.method)
        var isBodySent = request.body == nil
        let headBytes = try request.head.serialized()
        do {
            try headBytes.withUnsafeBytes { bytes in try connection.send([bytes]) }
            if request.body != nil {
                var mayProceed = true
                if request.head.expectsContinue {
                    let deadline = clock.now().advanced(
                        byTicks: ticks(seconds: configuration.continueTimeoutSeconds))
                    _ = try connection.readHead(stopAtInterim: true, deadline: deadline)
                    mayProceed = connection.head == nil
                }
                if mayProceed {
                    try sendBody(&request, on: connection)
                    isBodySent = true
                }
            }
        } catch let error as TransportError where error.code == .connectionClosed || error.code == .systemError {
            // The server may have answered early (413, 401) and closed: read that answer if it is there.
            guard (try? connection.readHead()) == true, connection.head != nil else { throw error }
        }
        guard try connection.readHead(deadline: request.headDeadline), let head = connection.head else {
            // The connection is dropped with its unread answer (a hedged read moves on to another server).
            throw TransportError(.timedOut, "receiving the response from \(host):\(port): timed out")
        }
        connection.isReused = true
        let exchange = ClientExchange(connection: connection, isReusable: isBodySent, client: self)
        var response = HTTPClientResponse(head: head, exchange: exchange)
        if connection.isResponseComplete && connection.pendingStart == connection.pendingEnd {
            _ = try response.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
        return response
    }

    /// Streams the request body: Content-Length bytes exactly, or chunks until the source ends.
    private func sendBody(_ request: inout ClientRequest, on connection: ClientConnection) throws {
        guard var source = request.body else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: configuration.bufferBytes, alignment: 16)
        defer { buffer.deallocate() }
        var sent = 0
        while true {
            let room = request.bodyLength.map { min(buffer.count, $0 - sent) } ?? buffer.count
            if room == 0 { break }
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<room]))
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            if request.bodyLength == nil {
                let chunkHead = HTTPChunkedFraming.chunkHead(count: count)
                try chunkHead.withUnsafeBytes { head in
                    try HTTPChunkedFraming.chunkTail.withUnsafeBytes { tail in
                        try connection.send([head, bytes, tail])
                    }
                }
            } else {
                try connection.send([bytes])
            }
            sent += count
        }
        if let length = request.bodyLength, sent != length {
            throw TransportError(.invalidRequest, "the request body ended after \(sent) of its \(length) bytes")
        }
        if request.bodyLength == nil {
            try HTTPChunkedFraming.lastChunk.withUnsafeBytes { bytes in
                try connection.send([bytes])
            }
        }
        request.body = source
    }

    // MARK: - Connections

    /// An idle connection the server has not closed, or a new one connected by `deadline` when given.
    private func takeConnection(by deadline: Instant?) throws -> ClientConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            if connection.isReusable { return connection }
        }
        return try connect(by: deadline)
    }

    /// Opens a new connection, within the connect timeout and by `headDeadline` when that comes first.
    private func connect(by headDeadline: Instant?) throws -> ClientConnection {
        let timeout = clock.now().advanced(byTicks: ticks(seconds: configuration.connectTimeoutSeconds))
        let deadline = headDeadline.map { min($0, timeout) } ?? timeout
        do {
            let socket = try Socket.connect(
                host: host, port: port, localHost: configuration.localHost, deadline: deadline)
            return ClientConnection(
                stream: try makeStream(socket, host), peer: "\(host):\(port)", configuration: configuration,
                clock: clock)
        } catch let error as SystemError {
            throw TransportError(error, peer: "\(host):\(port)", activity: "connect")
        }
    }

    /// Keeps a connection whose exchange ended cleanly, up to `idleConnectionCountMax`.
    func giveBack(_ connection: ClientConnection) {
        let isKept = idle.withLock { idle in
            guard idle.count < configuration.idleConnectionCountMax else { return false }
            idle.append(connection)
            return true
        }
        if !isKept { connection.stream.close() }
    }

    // MARK: - Heads and URLs

    /// The request head: default headers, the call's headers, Host, and the framing fields the client owns.
    private func makeHead(
        method: String, target: String, headers: HTTPHeaders, hasBody: Bool, bodyLength: Int?, expectContinue: Bool
    ) throws -> HTTPRequestHead {
        guard target.hasPrefix("/") else {
            throw TransportError(.invalidURL, "the target \(String(reflecting: target)) does not start with /")
        }
        var fields = defaultHeaders
        for field in headers { fields.add(field.name, field.value) }
        if !fields.contains("Host") { fields.add("Host", port == 80 ? host : "\(host):\(port)") }
        for name in ["Content-Length", "Transfer-Encoding", "Expect"] { fields.remove(name) }
        if let bodyLength {
            precondition(bodyLength >= 0, "bodyLength must not be negative")
            fields.add("Content-Length", String(bodyLength))
        } else if hasBody {
            fields.add("Transfer-Encoding", "chunked")
        }
        if expectContinue && hasBody { fields.add("Expect", "100-continue") }
        return HTTPRequestHead(method: method, target: basePath + target, headers: fields)
    }

    /// Splits "http[s]://host[:port][/path]".
    private static func parse(baseURL: String) throws -> (host: String, port: Int, path: String) {
        guard let scheme = ["http://", "https://"].first(where: { baseURL.hasPrefix($0) }) else {
            throw TransportError(.invalidURL, "base URL \(baseURL) is not http://host:port or https://host:port")
        }
        var rest = Substring(baseURL.dropFirst(scheme.count))
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        while path.hasSuffix("/") { path.removeLast() }
        var host = String(rest)
        var port = scheme == "https://" ? 443 : 80
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw TransportError(.invalidURL, "base URL \(baseURL) has no valid port")
            }
            port = number
            host = String(rest[..<colon])
        }
        guard !host.isEmpty else { throw TransportError(.invalidURL, "base URL \(baseURL) has no host") }
        return (host, port, path)
    }
}

/// A request on its way: head, body source and declared length.
struct ClientRequest {
    /// The head as sent.
    let head: HTTPRequestHead
    /// The body, advanced as it is sent.
    var body: (any ByteSource)?
    /// The declared body length, or nil for chunked.
    let bodyLength: Int?
    /// When the response head must have arrived; nil: the I/O timeout per receive.
    var headDeadline: Instant? = nil
}
