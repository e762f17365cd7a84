// The membership reactor's timers: a binary min-heap of (instant, item), so the loop knows the next deadline to
// receive until and pops what is due in order. Ties fire in the order they were set.
import Primitives

/// Items due at instants, earliest first.
struct TimerHeap<Item: Sendable>: Sendable {
    private struct Entry: Sendable {
        var at: Instant
        var order: UInt64
        var item: Item
        func precedes(_ other: Entry) -> Bool { (at, order) < (other.at, other.order) }
    }

    private var entries: [Entry] = []
    private var nextOrder: UInt64 = 0

    /// The number of timers set and not yet popped.
    var count: Int { entries.count }

    /// The earliest instant any timer is due, nil with none set.
    var nextDue: Instant? { entries.first?.at }

    /// Sets `item` to come due at `instant`.
    mutating func insert(_ item: Item, at instant: Instant) {
        entries.append(Entry(at: instant, order: nextOrder, item: item))
        nextOrder += 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest item due at or before `now`, nil when none is.
    mutating func popDue(now: Instant) -> Item? {
        guard let first = entries.first, first.at <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count && entries[left].precedes(entries[smallest]) { smallest = left }
                if right < entries.count && entries[right].precedes(entries[smallest]) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.item
    }
}
