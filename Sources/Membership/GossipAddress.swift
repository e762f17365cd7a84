// Where a member listens: a host (a name or an IP literal, as text) and a port. Kept local to Membership so the
// codec owns its bytes; the node's datagram seam maps it to its own socket address type.

/// A host and port another member reaches this one at (gossip over UDP, push-pull and HTTP over TCP).
///
/// The host is text, a DNS name or an IP literal; MUST be 1 to `hostBytesMax` bytes of UTF-8 (the codec refuses
/// anything longer, so every member's metadata fits one datagram).
public struct GossipAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Longest host text, in bytes.
    public static let hostBytesMax = 128

    /// A DNS name or an IP literal.
    public let host: String
    /// The port number.
    public let port: UInt16

    /// Makes an address; `host` MUST be 1 to `hostBytesMax` bytes (a programmer error otherwise: configuration
    /// checks names before they reach the core, and the codec checks them on the wire).
    public init(host: String, port: UInt16) {
        precondition(
            !host.isEmpty && host.utf8.count <= Self.hostBytesMax,
            "a gossip host must be 1 to \(Self.hostBytesMax) bytes, not \(host.utf8.count)")
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 literal.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func < (left: GossipAddress, right: GossipAddress) -> Bool {
        (left.host, left.port) < (right.host, right.port)
    }
}
