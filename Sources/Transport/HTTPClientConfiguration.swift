// What a caller can tune about an HTTPClient: timeouts, response limits, how many idle connections it keeps for
// reuse, and its buffer size. Values only.
public import HTTP

/// Timeouts, limits and pooling of an HTTPClient.
public struct HTTPClientConfiguration: Sendable {
    /// Seconds to wait for a connection to be accepted.
    public var connectTimeoutSeconds: Double
    /// Seconds any one send or receive may wait for progress (not the whole exchange, which may stream GiBs).
    public var ioTimeoutSeconds: Double
    /// Seconds to wait for `100 Continue` before sending the body anyway (RFC 9110 §10.1.1).
    public var continueTimeoutSeconds: Double
    /// Limits on each response's head and body.
    public var limits: HTTPLimits
    /// Most idle kept-alive connections held for reuse.
    public var idleConnectionCountMax: Int
    /// Bytes of each connection's receive and body buffers.
    public var bufferBytes: Int
    /// The address of this machine connections are made from (a node's own address, so peers and firewalls see
    /// which node calls); nil: the kernel's choice.
    public var localHost: String?

    /// Makes a configuration; the defaults suit the CLI and node-to-node calls.
    public init(
        connectTimeoutSeconds: Double = 10, ioTimeoutSeconds: Double = 60, continueTimeoutSeconds: Double = 1,
        limits: HTTPLimits = HTTPLimits(), idleConnectionCountMax: Int = 8, bufferBytes: Int = 256 << 10,
        localHost: String? = nil
    ) {
        precondition(connectTimeoutSeconds > 0 && ioTimeoutSeconds > 0 && continueTimeoutSeconds >= 0, "bad timeout")
        precondition(idleConnectionCountMax >= 0 && bufferBytes >= 4096, "bad pool or buffer size")
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.ioTimeoutSeconds = ioTimeoutSeconds
        self.continueTimeoutSeconds = continueTimeoutSeconds
        self.limits = limits
        self.idleConnectionCountMax = idleConnectionCountMax
        self.bufferBytes = bufferBytes
        self.localHost = localHost
    }
}
