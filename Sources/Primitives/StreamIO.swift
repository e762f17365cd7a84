// The seam between push-pull and a network of byte streams: Posix conforms TCP sockets to it, a simulator can
// provide virtual ones. Every wait has a deadline, so a hung peer costs a bounded time and never a stuck thread.

/// One connected byte stream (a TCP connection in production).
///
/// Calls MUST come from one owner thread, and `close()` from that owner once. Deadlines are instants of the
/// caller's `TimeSource`.
public protocol StreamConnection: Sendable {
    /// The peer as "host:port", for errors and logs.
    var peerAddress: String { get }
    /// The peer's numeric host alone, "127.0.0.1".
    var peerHost: String { get }
    /// Receives up to `buffer.count` bytes, waiting until `deadline` (nil: forever); 0 means the peer closed.
    /// A deadline that passes first is ETIMEDOUT.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Instant?) throws(SystemError) -> Int
    /// Sends all of `buffer`, waiting for room until `deadline`; a deadline that passes first is ETIMEDOUT.
    func sendAll(_ buffer: UnsafeRawBufferPointer, deadline: Instant?) throws(SystemError)
    /// Releases the connection; later calls are programmer errors.
    func close()
}

/// A bound address that accepts stream connections.
public protocol StreamListener: Sendable {
    /// The address actually bound (port 0 replaced by the one chosen).
    var localAddress: DatagramAddress { get }
    /// The next connection, waiting until `deadline` (nil: forever); nil when none came in time.
    func acceptConnection(deadline: Instant?) throws(SystemError) -> (any StreamConnection)?
    /// Stops listening; later calls do nothing.
    func close()
}

/// Where a node's gossip reaches other nodes: datagram endpoints, stream listeners and outgoing streams. Posix
/// provides the real one (UDP and TCP sockets); a simulator provides virtual ones.
public protocol NetworkIO: Sendable {
    /// Binds a datagram endpoint to `address` (port 0: a free one) that sends and accepts datagrams of at most
    /// `datagramByteCountMax` bytes.
    func bindDatagrams(_ address: DatagramAddress, datagramByteCountMax: Int) throws(SystemError) -> any DatagramIO
    /// Listens for stream connections on `address` (port 0: a free one).
    func listenStreams(_ address: DatagramAddress) throws(SystemError) -> any StreamListener
    /// Connects a stream to `address`, giving up at `deadline` (ETIMEDOUT).
    func connectStream(to address: DatagramAddress, deadline: Instant?) throws(SystemError) -> any StreamConnection
}

extension StreamConnection {
    /// Sends all of `bytes`, waiting for room until `deadline`.
    public func sendAll(_ bytes: [UInt8], deadline: Instant?) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try sendAll(buffer, deadline: deadline) }
        }
        try result.get()
    }
}
