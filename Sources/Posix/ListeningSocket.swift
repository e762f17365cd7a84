// A listening TCP socket: bind host:port with SO_REUSEADDR and a backlog, report the bound port, and accept
// connections until a WakeupSignal fires. Connected sockets are Socket; HTTP lives above.
import Glibc
public import Primitives
import Synchronization

/// A TCP socket listening on one address.
///
/// A final class with an idempotent `close()`, like Socket: the accept thread owns it and closes it once a
/// WakeupSignal has ended its accept loop. accept and close MUST be called by the owner only.
public final class ListeningSocket: Sendable {
    /// The descriptor, or -1 once closed.
    private let state: Mutex<Int32>
    /// The address actually bound (port 0 replaced by the kernel's choice).
    public let address: SocketAddress

    /// The port actually bound; differs from the requested one when that was 0.
    public var boundPort: Int { address.port }

    /// The default length of the queue of connections the kernel has completed but nobody accepted yet.
    public static let backlogDefault = 512

    /// Listens on `host`:`port` (port 0: any free port; host "" or "0.0.0.0": every IPv4 interface, "::": every
    /// IPv6 one). SO_REUSEADDR is set so a restarted node can take its port back at once.
    ///
    /// Errors name host:port, e.g. "bind 127.0.0.1:80: Permission denied".
    public init(host: String, port: Int, backlog: Int = ListeningSocket.backlogDefault) throws(SystemError) {
        precondition(backlog > 0, "backlog must be positive")
        let name = "\(host):\(port)"
        let address = try SocketAddress.resolve(host: host, port: port)[0]
        let descriptor = try Posix.syscall("socket", path: name) {
            Glibc.socket(
                address.family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                    | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            var one: Int32 = 1
            _ = try Posix.syscall("setsockopt", path: name) {
                setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            _ = try Posix.syscall("bind", path: name) { address.withSockaddr { bind(descriptor, $0, $1) } }
            _ = try Posix.syscall("listen", path: name) { listen(descriptor, Int32(min(backlog, Int(Int32.max)))) }
            var bound = SocketAddress(
                storage: sockaddr_storage(), length: socklen_t(MemoryLayout<sockaddr_storage>.size))
            _ = try Posix.syscall("getsockname", path: name) {
                withUnsafeMutableBytes(of: &bound.storage) { raw in
                    getsockname(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &bound.length)
                }
            }
            self.address = bound
        } catch {
            _ = Glibc.close(descriptor)
            throw error
        }
        state = Mutex(descriptor)
    }

    deinit {
        let descriptor = state.withLock { $0 }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    /// Waits for the next connection until `deadline` (nil: forever) or until `wakeup` fires; nil in those cases.
    ///
    /// Accepted sockets are non-blocking with TCP_NODELAY on. Transient failures (a connection aborted before it
    /// was accepted, out of descriptors) are thrown; the caller decides whether to back off and retry.
    public func accept(deadline: Instant? = nil, wakeup: WakeupSignal? = nil) throws(SystemError) -> Socket? {
        let descriptor = state.withLock { $0 }
        precondition(descriptor >= 0, "listening socket \(address) used after close")
        while true {
            if wakeup?.isSignalled == true { return nil }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let accepted: Int32
            do {
                accepted = try Posix.syscall("accept", path: address.description) {
                    withUnsafeMutableBytes(of: &storage) { raw in
                        Glibc.accept(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
                    }
                }
            } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                let timeout = Socket.milliseconds(until: deadline)
                if timeout == 0 { return nil }
                var entries = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
                if let wakeup { entries.append(pollfd(fd: wakeup.descriptor, events: Int16(POLLIN), revents: 0)) }
                _ = try Posix.syscall("poll", path: address.description) {
                    poll(&entries, nfds_t(entries.count), timeout)
                }
                continue
            }
            // accept4 is not visible through Glibc's module map, so the flags are set right after the accept.
            _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
            _ = fcntl(accepted, F_SETFL, fcntl(accepted, F_GETFL) | O_NONBLOCK)
            let peer = SocketAddress(storage: storage, length: length)
            let socket = Socket(descriptor: accepted, peer: peer)
            try? socket.setNoDelay(true)
            return socket
        }
    }

    /// Stops listening; later calls do nothing. Only the owner may call it.
    public func close() {
        state.withLock { descriptor in
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            descriptor = -1
        }
    }
}
