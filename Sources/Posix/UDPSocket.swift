// A bound UDP socket conforming to DatagramIO: IPv4 or IPv6, port 0 for the kernel's choice, SO_RCVBUF sizing,
// sends refused above the datagram limit, receives with a deadline (poll). Gossip's security lives above it.
import Glibc
public import Primitives
import Synchronization

/// A UDP socket bound to one local address: the real `DatagramIO`.
///
/// A final class with an idempotent `close()`, like Socket. The descriptor is non-blocking: a receive waits in
/// poll, so it honours its deadline, and a send that finds the kernel's buffer full fails with EAGAIN rather than
/// blocking (a lost datagram, which SWIM expects). One socket speaks one family: an IPv4 socket sends only to IPv4
/// targets, an IPv6 one only to IPv6. Errors name the address, e.g. "bind 127.0.0.1:80: Permission denied".
public final class UDPSocket: DatagramIO {
    /// The descriptor, or -1 once closed.
    private let state: Mutex<Int32>
    /// The address actually bound.
    public let localAddress: DatagramAddress
    /// The largest datagram sent or accepted.
    public let datagramByteCountMax: Int
    /// The kernel's receive buffer size in bytes after sizing (Linux reports twice what was asked).
    public let receiveBufferByteCount: Int

    /// The default datagram limit: an Ethernet MTU of 1,500 less the IPv6 (40) and UDP (8) headers, so gossip is
    /// never fragmented on the paths between sites.
    public static let datagramByteCountMaxDefault = 1452
    /// The largest datagram limit allowed: the largest UDP payload over IPv4.
    public static let datagramByteCountMaxLimit = 65_507
    /// The default receive buffer asked for: room for bursts of about 2,800 full gossip datagrams.
    public static let receiveBufferByteCountDefault = 4 * 1024 * 1024

    /// Binds a UDP socket to `address` (port 0: a free port the kernel chooses; host "0.0.0.0" or "::": every
    /// interface of that family) and asks for a receive buffer of `receiveBufferByteCount` bytes.
    public init(
        bindingTo address: DatagramAddress, datagramByteCountMax: Int = datagramByteCountMaxDefault,
        receiveBufferByteCount: Int = receiveBufferByteCountDefault
    ) throws(SystemError) {
        precondition(
            (1...Self.datagramByteCountMaxLimit).contains(datagramByteCountMax),
            "a datagram limit must be 1...\(Self.datagramByteCountMaxLimit) bytes, not \(datagramByteCountMax)")
        precondition(receiveBufferByteCount > 0 && receiveBufferByteCount <= Int(Int32.max / 2), "bad SO_RCVBUF")
        let name = address.description
        let socketAddress = try SocketAddress(address)
        let descriptor = try Posix.syscall("socket", path: name) {
            Glibc.socket(
                socketAddress.family,
                Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            var size = Int32(receiveBufferByteCount)
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = try Posix.syscall("setsockopt SO_RCVBUF", path: name) {
                setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, length)
            }
            _ = try Posix.syscall("getsockopt SO_RCVBUF", path: name) {
                getsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, &length)
            }
            _ = try Posix.syscall("bind", path: name) { socketAddress.withSockaddr { bind(descriptor, $0, $1) } }
            var bound = SocketAddress(
                storage: sockaddr_storage(), length: socklen_t(MemoryLayout<sockaddr_storage>.size))
            _ = try Posix.syscall("getsockname", path: name) {
                withUnsafeMutableBytes(of: &bound.storage) { raw in
                    getsockname(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &bound.length)
                }
            }
            localAddress = bound.datagramAddress
            self.receiveBufferByteCount = Int(size)
        } catch {
            _ = Glibc.close(descriptor)
            throw error
        }
        self.datagramByteCountMax = datagramByteCountMax
        state = Mutex(descriptor)
    }

    deinit {
        let descriptor = state.withLock { $0 }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    /// The open descriptor; using a closed socket is a programmer error.
    private var descriptor: Int32 {
        let descriptor = state.withLock { $0 }
        precondition(descriptor >= 0, "UDP socket \(localAddress) used after close")
        return descriptor
    }

    /// Sends `bytes` as one datagram to `target`; EMSGSIZE naming the target and both sizes when over the limit.
    public func send(_ bytes: UnsafeRawBufferPointer, to target: DatagramAddress) throws(SystemError) {
        guard bytes.count <= datagramByteCountMax else {
            throw SystemError.posix(
                errno: EMSGSIZE, operation: "send",
                path: "\(target) (\(bytes.count) bytes, the datagram limit is \(datagramByteCountMax))")
        }
        let descriptor = self.descriptor
        let address = try SocketAddress(target)
        let sent = try Posix.syscall("send", path: target.description) {
            address.withSockaddr { sockaddr, length in
                sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), sockaddr, length)
            }
        }
        precondition(sent == bytes.count, "a datagram is sent whole or not at all")
    }

    /// Receives one datagram into `buffer`, waiting in poll until `deadline`; nil when none came in time.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Instant?) throws(SystemError)
        -> DatagramReceipt?
    {
        precondition(buffer.count > 0, "receive needs room for at least one byte")
        let descriptor = self.descriptor
        let name = localAddress.description
        while true {
            var source = SocketAddress(
                storage: sockaddr_storage(), length: socklen_t(MemoryLayout<sockaddr_storage>.size))
            let received: Int
            do {
                received = try Posix.syscall("recv", path: name) {
                    withUnsafeMutableBytes(of: &source.storage) { raw in
                        recvfrom(
                            descriptor, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC),
                            raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &source.length)
                    }
                }
            } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                let timeout = Socket.milliseconds(until: deadline)
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = try Posix.syscall("poll", path: name) { poll(&entry, 1, timeout) }
                if ready == 0 && timeout == 0 { return nil }
                continue
            }
            return DatagramReceipt(
                byteCount: min(received, buffer.count), source: source.datagramAddress,
                isTruncated: received > buffer.count)
        }
    }

    /// Closes the descriptor; later calls do nothing. Only the owning thread may call it.
    public func close() {
        state.withLock { descriptor in
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            descriptor = -1
        }
    }
}
