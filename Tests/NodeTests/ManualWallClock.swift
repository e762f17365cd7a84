// A wall clock a test sets by hand, so HLC versions of a node in a test are known in advance.
import Primitives
import Synchronization

/// A WallClock that reads whatever the test last set, and never moves by itself.
final class ManualWallClock: WallClock {
    private let milliseconds: Atomic<Int64>

    /// A clock standing at `milliseconds` since the epoch.
    init(milliseconds: Int64) { self.milliseconds = Atomic(milliseconds) }

    /// Moves the clock to `milliseconds` (back as well as forward, like an operator or NTP would).
    func set(_ milliseconds: Int64) { self.milliseconds.store(milliseconds, ordering: .relaxed) }

    func millisecondsSinceEpoch() -> Int64 { milliseconds.load(ordering: .relaxed) }
}
