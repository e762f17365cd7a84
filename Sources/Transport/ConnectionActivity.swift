// Whether one server connection is idle (between requests, or connected without a byte sent) and since when,
// shared by the connection's thread and the accept loop, which may evict an idle connection when the server is full.
// One atomic word, so the connection waking with a request and the accept loop evicting it cannot both win.
import Primitives
import Synchronization

/// The idle-or-busy state of one connection, and the one-way switch to evicted.
///
/// The word holds the tick the connection became idle (greater than 0), `busy` while a request is under way, or
/// `evicted` once the server took its slot. Moves are compare-and-exchange only: a connection that became busy
/// can no longer be evicted, and an evicted one never becomes busy again.
final class ConnectionActivity: Sendable {
    /// The word: idle since this tick (> 0), `busy`, or `evicted`.
    private let word: Atomic<Int64>

    /// The word while a request is being read or answered.
    private static let busy: Int64 = 0
    /// The word once the server evicted the connection.
    private static let evicted: Int64 = -1

    /// Makes the state of a connection accepted at `now`: idle, since it has sent nothing yet.
    init(idleSince now: Instant) { word = Atomic(max(1, now.ticks)) }

    /// The tick the connection became idle, or nil while busy or once evicted.
    var idleSinceTicks: Int64? {
        let value = word.load(ordering: .acquiring)
        return value > 0 ? value : nil
    }

    /// Whether the server evicted the connection.
    var isEvicted: Bool { word.load(ordering: .acquiring) == Self.evicted }

    /// Marks the connection idle from `now` (waiting for the first byte of its next request), unless it already is
    /// or was evicted.
    func becomeIdle(now: Instant) {
        _ = word.compareExchange(
            expected: Self.busy, desired: max(1, now.ticks), ordering: .acquiringAndReleasing)
    }

    /// Marks the connection busy (a byte of a request arrived); false when it was evicted first, and must close.
    func becomeBusy() -> Bool {
        var current = word.load(ordering: .acquiring)
        while current > 0 {
            let (exchanged, original) = word.compareExchange(
                expected: current, desired: Self.busy, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return current == Self.busy
    }

    /// Evicts the connection if it is still idle since `idleSinceTicks`; whether it did.
    func evict(idleSinceTicks: Int64) -> Bool {
        precondition(idleSinceTicks > 0, "only an idle connection can be evicted")
        return word.compareExchange(
            expected: idleSinceTicks, desired: Self.evicted, ordering: .acquiringAndReleasing
        ).exchanged
    }
}
