// IPv4 and IPv6 socket addresses: resolving "host" + port into sockaddr values, and naming an address as text
// ("127.0.0.1:8080", "[::1]:8080") for errors and logs. No sockets are opened here.
import Glibc
public import Primitives

/// One resolved IPv4 or IPv6 address with its port, as the kernel wants it.
public struct SocketAddress: Sendable, CustomStringConvertible {
    /// The raw address; only the first `length` bytes are meaningful.
    var storage: sockaddr_storage
    /// The size of the address family's sockaddr.
    var length: socklen_t

    /// The address family, AF_INET or AF_INET6.
    public var family: Int32 { Int32(storage.ss_family) }

    /// Resolves `host` and `port`: numeric IPv4 or IPv6 literals (brackets allowed) directly, names through
    /// getaddrinfo. An empty host means every local interface (for listening).
    ///
    /// Throws a SystemError with operation "resolve" naming host:port when nothing matches.
    public static func resolve(host: String, port: Int) throws(SystemError) -> [SocketAddress] {
        precondition((0...65535).contains(port), "port \(port) is outside 0...65535")
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let numeric = numeric(bare, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (bare.isEmpty ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bare.isEmpty ? nil : bare, String(port), &hints, &list)
        guard status == 0, let list else {
            throw SystemError.posix(errno: EHOSTUNREACH, operation: "resolve", path: "\(host):\(port)")
        }
        defer { freeaddrinfo(list) }
        var found: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor?.pointee {
            if let address = entry.ai_addr, entry.ai_family == AF_INET || entry.ai_family == AF_INET6 {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    target.baseAddress!.copyMemory(from: address, byteCount: Int(entry.ai_addrlen))
                }
                found.append(SocketAddress(storage: storage, length: entry.ai_addrlen))
            }
            cursor = entry.ai_next
        }
        if found.isEmpty { throw SystemError.posix(errno: EHOSTUNREACH, operation: "resolve", path: "\(host):\(port)") }
        return found
    }

    /// The address for an IPv4 or IPv6 literal, or nil when `host` is a name.
    static func numeric(_ host: String, port: Int) -> SocketAddress? {
        var storage = sockaddr_storage()
        let networkPort = in_port_t(UInt16(port).bigEndian)
        var ipv4 = sockaddr_in()
        if inet_pton(AF_INET, host, &ipv4.sin_addr) == 1 {
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = networkPort
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: ipv4) { target.copyMemory(from: $0) }
            }
            return SocketAddress(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        var ipv6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &ipv6.sin6_addr) == 1 {
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = networkPort
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: ipv6) { target.copyMemory(from: $0) }
            }
            return SocketAddress(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        return nil
    }

    /// The port, in host byte order.
    public var port: Int {
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
        }
    }

    /// The host part as text: "127.0.0.1" or "::1".
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            } else {
                var address = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "host:port", with brackets around IPv6 hosts.
    public var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with the address as the kernel's sockaddr pointer and length.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
