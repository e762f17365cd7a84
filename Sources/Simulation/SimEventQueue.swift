// The simulator's agenda: a binary min-heap of events keyed by (true time, sequence). The sequence is the order of
// scheduling, so two events at the same tick always run in the order they were scheduled, on every machine.

/// A priority queue of events ordered by time, then by scheduling order (deterministic tie-breaking).
///
/// The heap holds only plain keys (time, sequence, slot); payloads wait in a slab of reusable slots, so sifting
/// moves 24-byte values and never retains or releases what the payloads hold.
public struct SimEventQueue<Payload> {
    /// One scheduled event.
    public struct Entry {
        /// True time, in ticks, when it runs.
        public let time: Int64
        /// Scheduling order, unique within the queue's life.
        public let sequence: UInt64
        /// What runs.
        public let payload: Payload
    }

    private struct Key {
        var time: Int64
        var sequence: UInt64
        var slot: Int
    }

    private var heap: [Key] = []
    private var slab: [Payload?] = []
    private var freeSlots: [Int] = []
    private var nextSequence: UInt64 = 0

    /// Makes an empty queue.
    public init() {}

    /// Events waiting.
    public var count: Int { heap.count }

    /// Whether nothing is waiting.
    public var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, if any.
    public var earliestTime: Int64? { heap.first?.time }

    /// Schedules `payload` at `time`.
    public mutating func push(_ payload: Payload, at time: Int64) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slab[slot] = payload
        } else {
            slot = slab.count
            slab.append(payload)
        }
        heap.append(Key(time: time, sequence: nextSequence, slot: slot))
        nextSequence += 1
        siftUp(from: heap.count - 1)
    }

    /// Removes and returns the earliest event, if it is due at or before `time`.
    public mutating func pop(notAfter time: Int64) -> Entry? {
        guard let first = heap.first, first.time <= time else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        guard let payload = slab[first.slot].take() else { preconditionFailure("a scheduled event lost its payload") }
        freeSlots.append(first.slot)
        return Entry(time: first.time, sequence: first.sequence, payload: payload)
    }

    @inline(__always)
    private static func isEarlier(_ left: Key, _ right: Key) -> Bool {
        left.time < right.time || (left.time == right.time && left.sequence < right.sequence)
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        let moving = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isEarlier(moving, heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = moving
    }

    private mutating func siftDown(from start: Int) {
        let count = heap.count
        var parent = start
        let moving = heap[parent]
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, Self.isEarlier(heap[child + 1], heap[child]) { child += 1 }
            guard Self.isEarlier(heap[child], moving) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = moving
    }
}

extension SimEventQueue: Sendable where Payload: Sendable {}
extension SimEventQueue.Entry: Sendable where Payload: Sendable {}
