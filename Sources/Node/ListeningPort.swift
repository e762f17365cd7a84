// The port a node's HTTP server is bound to, shared with the routes that need it before the server exists (the
// responder is made first, and port 0 is only resolved when the server binds).
import Synchronization

/// The port the node's server is bound to, known only once it is (port 0 in the configuration).
public final class ListeningPort: Sendable {
    private let port = Atomic<Int>(0)

    /// Makes a port not bound yet (0).
    public init() {}

    /// The bound port, or 0 before the server has bound.
    public var value: Int { port.load(ordering: .acquiring) }

    /// Records the bound port.
    public func set(_ value: Int) { port.store(value, ordering: .releasing) }
}
