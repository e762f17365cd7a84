// The seam between gossip and a network of datagrams: Posix conforms real UDP sockets to it, Simulation a network
// with delay, loss and partitions. The membership driver speaks only this protocol.

/// A datagram endpoint's address: a numeric IPv4 or IPv6 host and a port.
///
/// Plain text and a number, so cores, the simulator and logs can hold and compare addresses without a sockaddr;
/// Posix's `SocketAddress` maps to and from it. `host` is numeric ("127.0.0.5", "::1"), never a name to resolve.
public struct DatagramAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numeric host, without brackets: "127.0.0.5" or "::1".
    public let host: String
    /// The UDP port, 0...65535 (0 asks the kernel to choose when binding).
    public let port: Int

    /// Makes an address; `port` MUST be in 0...65535.
    public init(host: String, port: Int) {
        precondition((0...65535).contains(port), "port \(port) is outside 0...65535")
        self.host = host
        self.port = port
    }

    /// Whether the host is an IPv6 literal.
    public var isIPv6: Bool { host.contains(":") }

    /// "host:port", with brackets around IPv6 hosts.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func < (left: DatagramAddress, right: DatagramAddress) -> Bool {
        (left.host, left.port) < (right.host, right.port)
    }
}

/// What one receive delivered: how many bytes, from whom, and whether the datagram was cut to fit the buffer.
public struct DatagramReceipt: Sendable, Equatable {
    /// The bytes written into the caller's buffer.
    public let byteCount: Int
    /// The sender's address.
    public let source: DatagramAddress
    /// Whether the datagram was longer than the buffer; its tail is lost and the caller MUST drop it.
    public let isTruncated: Bool

    /// Makes a receipt.
    public init(byteCount: Int, source: DatagramAddress, isTruncated: Bool) {
        self.byteCount = byteCount
        self.source = source
        self.isTruncated = isTruncated
    }
}

/// Unreliable, unordered datagrams to and from one bound local address, the transport SWIM assumes (SWIM §4).
///
/// Sends never block for long and may be lost; a datagram is delivered whole or not at all. Every datagram is at
/// most `datagramByteCountMax` bytes: sending a longer one is refused with EMSGSIZE naming the target, before
/// anything is sent. Deadlines are instants of the caller's `TimeSource`. Calls MUST come from one owner thread,
/// and `close()` from that owner once.
public protocol DatagramIO: Sendable {
    /// The address actually bound (port 0 replaced by the one chosen).
    var localAddress: DatagramAddress { get }
    /// The largest datagram this endpoint sends or accepts, in bytes (the gossip MTU).
    var datagramByteCountMax: Int { get }
    /// Sends `bytes` as one datagram to `target`.
    func send(_ bytes: UnsafeRawBufferPointer, to target: DatagramAddress) throws(SystemError)
    /// Receives one datagram into `buffer`, waiting until `deadline` (nil: forever; a passed one: no wait); nil when
    /// none arrived in time.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Instant?) throws(SystemError)
        -> DatagramReceipt?
    /// Releases the endpoint; later sends and receives are programmer errors.
    func close()
}

extension DatagramIO {
    /// Sends `bytes` as one datagram to `target`.
    public func send(_ bytes: [UInt8], to target: DatagramAddress) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try send(buffer, to: target) }
        }
        try result.get()
    }
}
