// The mapping between Posix's SocketAddress and Primitives' DatagramAddress, for the UDP socket. Numeric hosts
// only: a datagram path never waits on DNS.
import Glibc
public import Primitives

extension SocketAddress {
    /// The address for a numeric `DatagramAddress`; throws EINVAL naming it when its host is not an IP literal.
    public init(_ address: DatagramAddress) throws(SystemError) {
        guard let numeric = SocketAddress.numeric(address.host, port: address.port) else {
            throw SystemError.posix(errno: EINVAL, operation: "numeric address", path: address.description)
        }
        self = numeric
    }

    /// This address as a `DatagramAddress`.
    public var datagramAddress: DatagramAddress { DatagramAddress(host: host, port: port) }
}
