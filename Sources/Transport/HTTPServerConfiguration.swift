// Everything an operator or a test can tune about one HTTP server: where it listens, how many connections it
// keeps, and the timeouts and rates that protect it from idle, slow or hostile clients. Values only.
public import HTTP
import Primitives

/// How an HTTPServer listens and which limits protect it.
public struct HTTPServerConfiguration: Sendable {
    /// The address to listen on: "127.0.0.1", "0.0.0.0" (every IPv4 interface), "::" or a host name.
    public var host: String
    /// The port to listen on; 0 lets the kernel choose (read it back from HTTPServer.port).
    public var port: Int
    /// Limits on each request's head and body, enforced by the parser (431, 414, 413, 400…).
    public var limits: HTTPLimits
    /// Most connections served at once. One more first takes the slot of the connection idle longest (between
    /// requests, or not a byte sent yet) past `idleEvictionGraceSeconds`; with none, it is answered 503 with
    /// Retry-After and closed.
    public var connectionCountMax: Int
    /// Most connections served at once from one client address, so one client cannot take every slot; one more
    /// from that address is answered 503 with Retry-After and closed.
    public var connectionsPerAddressMax: Int
    /// Seconds a connection must have been idle (between requests, or connected without sending a byte) before
    /// a newcomer at `connectionCountMax` may take its slot; this spares a client about to send its next request.
    public var idleEvictionGraceSeconds: Double
    /// Seconds a kept-alive connection may wait for the first byte of its next request before it is closed. A new
    /// connection gets at most `headerTimeoutSeconds` for its first byte, so idle sockets cannot hold every slot.
    public var idleTimeoutSeconds: Double
    /// Seconds from the first byte of a request until its head must be complete; then 408 and close.
    public var headerTimeoutSeconds: Double
    /// The slowest body a client may send, in bytes per second of time spent waiting for it; 0 turns the check
    /// off. A body slower than this over one `bodyRateWindowSeconds` is answered 408 and the connection closed.
    public var bodyRateBytesPerSecondMin: Int
    /// Seconds of waiting for body bytes over which `bodyRateBytesPerSecondMin` is measured.
    public var bodyRateWindowSeconds: Double
    /// Seconds from the end of the head until the whole body must have arrived; nil for no overall deadline.
    public var bodyTimeoutSeconds: Double?
    /// Seconds a send may wait for the client to make room (a client that stops reading); then close.
    public var sendTimeoutSeconds: Double
    /// Most unread body bytes the server reads and discards after a responder answered without reading them,
    /// to keep the connection alive; a longer rest closes the connection instead.
    public var drainBytesMax: Int
    /// Seconds, after an error answer, that the server keeps reading (and discarding) what the client is still
    /// sending, so the client sees the answer instead of a reset (RFC 9112 §9.6). Bounded by time only.
    public var lingerSeconds: Double
    /// Bytes of each connection's receive buffer; also the largest single receive.
    public var receiveBufferBytes: Int
    /// The seconds a client is told to wait (Retry-After) when the server is full.
    public var retryAfterSeconds: Int
    /// Length of the kernel's queue of connections not yet accepted.
    public var backlog: Int

    /// Makes a configuration; the defaults suit a DICOMweb node on a hospital network.
    public init(
        host: String = "127.0.0.1", port: Int = 0, limits: HTTPLimits = HTTPLimits(),
        connectionCountMax: Int = 256, connectionsPerAddressMax: Int = 64, idleEvictionGraceSeconds: Double = 1,
        idleTimeoutSeconds: Double = 60, headerTimeoutSeconds: Double = 10,
        bodyRateBytesPerSecondMin: Int = 1024, bodyRateWindowSeconds: Double = 10, bodyTimeoutSeconds: Double? = nil,
        sendTimeoutSeconds: Double = 60, drainBytesMax: Int = 1 << 20, lingerSeconds: Double = 2,
        receiveBufferBytes: Int = 256 << 10, retryAfterSeconds: Int = 1, backlog: Int = 512
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.connectionCountMax = connectionCountMax
        self.connectionsPerAddressMax = connectionsPerAddressMax
        self.idleEvictionGraceSeconds = idleEvictionGraceSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyRateBytesPerSecondMin = bodyRateBytesPerSecondMin
        self.bodyRateWindowSeconds = bodyRateWindowSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.sendTimeoutSeconds = sendTimeoutSeconds
        self.drainBytesMax = drainBytesMax
        self.lingerSeconds = lingerSeconds
        self.receiveBufferBytes = receiveBufferBytes
        self.retryAfterSeconds = retryAfterSeconds
        self.backlog = backlog
    }

    /// Checks every value; a bad one is a programmer or configuration error caught at start-up.
    func validate() {
        precondition((0...65535).contains(port), "port \(port) is outside 0...65535")
        precondition(connectionCountMax > 0, "connectionCountMax must be positive")
        precondition(connectionsPerAddressMax > 0, "connectionsPerAddressMax must be positive")
        precondition(idleEvictionGraceSeconds >= 0, "idleEvictionGraceSeconds must not be negative")
        precondition(idleTimeoutSeconds > 0 && headerTimeoutSeconds > 0, "timeouts must be positive")
        precondition(bodyRateBytesPerSecondMin >= 0 && bodyRateWindowSeconds > 0, "body rate must be sane")
        precondition((bodyTimeoutSeconds ?? 1) > 0 && sendTimeoutSeconds > 0, "timeouts must be positive")
        precondition(drainBytesMax >= 0 && lingerSeconds >= 0, "drain limits must not be negative")
        precondition(receiveBufferBytes >= 4096, "receiveBufferBytes must be at least 4096")
        precondition(retryAfterSeconds >= 0 && backlog > 0, "retryAfterSeconds and backlog must be sane")
    }
}

/// Seconds as monotonic-clock ticks.
func ticks(seconds: Double) -> Int64 { Int64(seconds * Double(Instant.ticksPerSecond)) }
