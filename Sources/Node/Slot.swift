// What the HTTP routes reach that exists only later: the routes are made before the HTTP server binds, and the
// membership reactor and region services after it (the reactor's metadata carries the bound HTTP port), so they
// read them through a slot, empty until it is set.
import Synchronization

/// A slot holding a value once it exists.
final class Slot<Value: Sendable>: Sendable {
    private let content = Mutex<Value?>(nil)

    /// The value, or nil before it is set (and for a lone node).
    var value: Value? { content.withLock { $0 } }

    /// Sets the value.
    func set(_ value: Value?) { content.withLock { $0 = value } }
}
