// The real NetworkIO: UDP sockets for gossip datagrams, TCP sockets for push-pull streams. Socket and
// ListeningSocket conform to the stream seam as they are; this file only adapts names.
public import Primitives

/// NetworkIO over the machine's own UDP and TCP sockets. Stateless, so any thread may use it.
public struct PosixNetwork: NetworkIO {
    /// Makes the network; it holds no state.
    public init() {}

    public func bindDatagrams(_ address: DatagramAddress, datagramByteCountMax: Int) throws(SystemError)
        -> any DatagramIO
    {
        try UDPSocket(bindingTo: address, datagramByteCountMax: datagramByteCountMax)
    }

    public func listenStreams(_ address: DatagramAddress) throws(SystemError) -> any StreamListener {
        try ListeningSocket(host: address.host, port: address.port)
    }

    public func connectStream(to address: DatagramAddress, deadline: Instant?) throws(SystemError)
        -> any StreamConnection
    {
        try Socket.connect(to: try SocketAddress(address), deadline: deadline)
    }
}

extension Socket: StreamConnection {}

extension ListeningSocket: StreamListener {
    /// The bound address as a datagram-style address (numeric host and port).
    public var localAddress: DatagramAddress { address.datagramAddress }

    public func acceptConnection(deadline: Instant?) throws(SystemError) -> (any StreamConnection)? {
        try accept(deadline: deadline)
    }
}
