// The address a node listens on, parsed from its configuration ("127.0.0.1:8042"), and whether it is loopback,
// which decides if anonymous access may be allowed.

/// An IPv4 address and port the node listens on.
public struct ListenAddress: Sendable, Equatable {
    /// Dotted IPv4, e.g. "127.0.0.1".
    public var host: String
    /// 0…65535; 0 picks a free port.
    public var port: Int

    /// Whether the host is in 127.0.0.0/8, reachable only from this machine.
    public var isLoopback: Bool { host.hasPrefix("127.") }

    /// Parses "HOST:PORT" where HOST is dotted IPv4; `key` names the setting in errors.
    public static func parse(_ text: String, key: String) throws(NodeError) -> ListenAddress {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw NodeError(.configuration, "'\(key)' must be IPv4:PORT such as \"127.0.0.1:8042\", got \"\(text)\"")
        }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil && $0.count <= 3 }) else {
            throw NodeError(
                .configuration, "'\(key)': \"\(parts[0])\" is not an IPv4 address such as 127.0.0.1 or 0.0.0.0")
        }
        guard let port = Int(parts[1]), (0...65535).contains(port) else {
            throw NodeError(.configuration, "'\(key)': port \"\(parts[1])\" must be a number from 0 to 65535")
        }
        return ListenAddress(host: String(parts[0]), port: port)
    }
}
