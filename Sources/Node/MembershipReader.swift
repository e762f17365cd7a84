// The reactor as the HTTP routes reach it: the routes are made before the HTTP server binds and the reactor after
// it (its metadata carries the bound HTTP port), so they read it through this slot, empty until it is set.
import Synchronization

/// A slot holding the node's membership reactor once it exists.
final class MembershipReader: Sendable {
    private let reactor = Mutex<MembershipReactor?>(nil)

    /// The reactor, or nil before it is set and for a lone node.
    var value: MembershipReactor? { reactor.withLock { $0 } }

    /// Sets the reactor.
    func set(_ value: MembershipReactor?) { reactor.withLock { $0 = value } }
}
