// A connected TCP socket that owns its descriptor: connect with a timeout, receive and send with deadlines (poll),
// send-all and vectored sends, shutdown from any thread. Listening lives in ListeningSocket; HTTP lives above.
import Glibc
public import Primitives
import Synchronization

/// A connected TCP stream socket.
///
/// A final class with an idempotent `close()` rather than a `~Copyable` value, because a server's `stop()` must
/// reach a socket that a connection thread is blocked on: it calls `shutdown()` from another thread, which wakes
/// the blocked poll, and the owning thread then closes. The descriptor lives under a lock, so a shutdown after
/// the close is a no-op and can never touch a descriptor number the kernel has handed out again.
///
/// Contract: receive and send MUST be called by one thread at a time (the owner), and `close()` only by that
/// owner (or once it is gone); `shutdown()` may be called from anywhere. The descriptor is non-blocking: waits
/// happen in poll, so every receive and send honours its deadline. Sends use MSG_NOSIGNAL, so a vanished peer
/// is an EPIPE error, never a SIGPIPE.
public final class Socket: Sendable {
    /// The descriptor, or -1 once closed.
    private let state: Mutex<Int32>
    /// The peer as "host:port", for errors and logs.
    public let peerAddress: String
    /// The peer's host alone, "127.0.0.1" or "::1": what a server counts connections per address by.
    public let peerHost: String

    /// Takes ownership of `descriptor`, a connected non-blocking stream socket to `peer`.
    init(descriptor: Int32, peer: SocketAddress) {
        state = Mutex(descriptor)
        peerAddress = peer.description
        peerHost = peer.host
    }

    deinit {
        let descriptor = state.withLock { $0 }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    /// The open descriptor; using a closed socket is a programmer error.
    private var descriptor: Int32 {
        let descriptor = state.withLock { $0 }
        precondition(descriptor >= 0, "socket to \(peerAddress) used after close")
        return descriptor
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { state.withLock { $0 < 0 } }

    // MARK: - Connecting

    /// Connects to `host`:`port`, trying each resolved address until one answers or `deadline` passes; from
    /// `localHost` (an address of this machine, such as "127.0.0.5") when given, else from the kernel's choice.
    ///
    /// Errors name host:port, e.g. "connect 127.0.0.1:9: Connection refused"; a deadline that passes is ETIMEDOUT.
    public static func connect(
        host: String, port: Int, localHost: String? = nil, deadline: Instant? = nil
    ) throws(SystemError) -> Socket {
        let addresses = try SocketAddress.resolve(host: host, port: port)
        let local = try localHost.map { name throws(SystemError) in try SocketAddress.resolve(host: name, port: 0)[0] }
        var lastError = SystemError.posix(errno: EHOSTUNREACH, operation: "connect", path: "\(host):\(port)")
        for address in addresses {
            do {
                return try connect(to: address, from: local, deadline: deadline)
            } catch {
                lastError = SystemError.posix(errno: error.errno, operation: "connect", path: "\(host):\(port)")
            }
        }
        throw lastError
    }

    /// Connects to one resolved address, from `local` (port 0: any) when given.
    public static func connect(
        to address: SocketAddress, from local: SocketAddress? = nil, deadline: Instant? = nil
    ) throws(SystemError) -> Socket {
        let name = address.description
        let descriptor = try Posix.syscall("socket", path: name) {
            Glibc.socket(
                address.family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let socket = Socket(descriptor: descriptor, peer: address)
        if let local {
            _ = try Posix.syscall("bind", path: local.description) { local.withSockaddr { bind(descriptor, $0, $1) } }
        }
        let status = address.withSockaddr { Glibc.connect(descriptor, $0, $1) }
        if status != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else {
                throw SystemError.posix(errno: code, operation: "connect", path: name)
            }
            try socket.wait(for: Int16(POLLOUT), deadline: deadline, operation: "connect")
            var pending: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            _ = try Posix.syscall("getsockopt", path: name) {
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &pending, &size)
            }
            if pending != 0 { throw SystemError.posix(errno: pending, operation: "connect", path: name) }
        }
        try socket.setNoDelay(true)
        return socket
    }

    // MARK: - Receiving and sending

    /// Receives up to `buffer.count` bytes, waiting until `deadline` (nil: forever); 0 means the peer closed.
    ///
    /// Throws ETIMEDOUT when the deadline passes with nothing received.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Instant? = nil) throws(SystemError)
        -> Int
    {
        precondition(buffer.count > 0, "receive needs room for at least one byte")
        let descriptor = self.descriptor
        while true {
            do {
                return try Posix.syscall("recv", path: peerAddress) {
                    Glibc.recv(descriptor, buffer.baseAddress!, buffer.count, 0)
                }
            } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), deadline: deadline, operation: "recv")
            }
        }
    }

    /// Receives only what has already arrived, without waiting; 0 when nothing is there or the peer closed.
    public func receiveAvailable(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        let descriptor = self.descriptor
        do {
            return try Posix.syscall("recv", path: peerAddress) {
                Glibc.recv(descriptor, buffer.baseAddress!, buffer.count, 0)
            }
        } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
            return 0
        }
    }

    /// Sends all of `buffer`, waiting for room until `deadline`.
    public func sendAll(_ buffer: UnsafeRawBufferPointer, deadline: Instant? = nil) throws(SystemError) {
        try sendAll([buffer], deadline: deadline)
    }

    /// Sends all of `buffers` in order with vectored sends (one sendmsg per kernel-sized step), waiting for room
    /// until `deadline`. Empty buffers are skipped.
    public func sendAll(_ buffers: [UnsafeRawBufferPointer], deadline: Instant? = nil) throws(SystemError) {
        precondition(buffers.count <= Int(UIO_MAXIOV), "at most \(UIO_MAXIOV) buffers per send")
        let descriptor = self.descriptor
        var vectors = buffers.compactMap { buffer in
            buffer.isEmpty
                ? nil
                : iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress!),
                    iov_len: buffer.count)
        }
        var first = 0
        while first < vectors.count {
            let sent: Int
            do {
                sent = try vectors.withUnsafeMutableBufferPointer { vectors throws(SystemError) in
                    var message = msghdr()
                    message.msg_iov = vectors.baseAddress! + first
                    message.msg_iovlen = vectors.count - first
                    return try Posix.syscall("send", path: peerAddress) {
                        sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
                    }
                }
            } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), deadline: deadline, operation: "send")
                continue
            }
            var left = sent
            while first < vectors.count && left >= vectors[first].iov_len {
                left -= vectors[first].iov_len
                first += 1
            }
            if left > 0 {
                vectors[first].iov_base += left
                vectors[first].iov_len -= left
            }
        }
    }

    /// Waits until the socket is readable (data, end of stream or error), or `deadline` passes; false on timeout.
    /// A deadline in the past checks without waiting.
    public func waitUntilReadable(deadline: Instant?) throws(SystemError) -> Bool {
        do {
            try wait(for: Int16(POLLIN), deadline: deadline, operation: "recv")
            return true
        } catch  where error.errno == ETIMEDOUT {
            return false
        }
    }

    /// Polls for `events` until `deadline`; throws ETIMEDOUT when it passes first. A deadline already passed
    /// still polls once without waiting, so it answers "is it ready now?".
    private func wait(for events: Int16, deadline: Instant?, operation: String) throws(SystemError) {
        let descriptor = self.descriptor
        while true {
            let timeout = Self.milliseconds(until: deadline)
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = try Posix.syscall("poll", path: peerAddress) { poll(&entry, 1, timeout) }
            if ready > 0 { return }
            if timeout == 0 { throw SystemError.posix(errno: ETIMEDOUT, operation: operation, path: peerAddress) }
        }
    }

    /// Poll's timeout for `deadline`: -1 for none, else the milliseconds left, rounded up, 0 once passed.
    static func milliseconds(until deadline: Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = deadline.ticks(since: MonotonicClock().now())
        if left <= 0 { return 0 }
        return Int32(min((left + 999) / 1000, Int64(Int32.max)))
    }

    // MARK: - Options and closing

    /// Turns Nagle's algorithm off (true) so small writes such as a response head leave at once.
    public func setNoDelay(_ isOn: Bool) throws(SystemError) {
        let descriptor = self.descriptor
        var value: Int32 = isOn ? 1 : 0
        _ = try Posix.syscall("setsockopt", path: peerAddress) {
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Which directions `shutdown` ends.
    public enum ShutdownDirection: Sendable {
        /// No more receiving; a blocked receive returns 0.
        case read
        /// No more sending; the peer sees end of stream after what was sent.
        case write
        /// Both; wakes a thread blocked on this socket.
        case both
    }

    /// Ends `direction` of the connection; safe from any thread, a no-op once closed, errors ignored (the peer
    /// may already be gone).
    public func shutdown(_ direction: ShutdownDirection = .both) {
        let how: Int32 =
            switch direction {
            case .read: Int32(SHUT_RD)
            case .write: Int32(SHUT_WR)
            case .both: Int32(SHUT_RDWR)
            }
        state.withLock { descriptor in
            if descriptor >= 0 { _ = Glibc.shutdown(descriptor, how) }
        }
    }

    /// Closes the descriptor; later calls do nothing. Only the owning thread may call it (see the type's contract).
    public func close() {
        state.withLock { descriptor in
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            descriptor = -1
        }
    }
}
