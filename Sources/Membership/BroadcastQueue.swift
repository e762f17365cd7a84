// The dissemination queue (SWIM §4.1 infection-style, memberlist's TransmitLimitedQueue): the newest update about
// each member, handed out least-sent first until each has been sent its retransmit limit. Bounded. Entries sit in
// one bucket per send count, oldest first, so taking updates for a datagram never sorts the queue.
public import Primitives

/// Updates waiting to be piggybacked, at most one per member.
public struct BroadcastQueue: Hashable, Sendable {
    private struct Entry: Hashable, Sendable {
        var update: MemberUpdate
        var byteCount: Int
        var transmitCount: Int
        var order: UInt64
    }

    /// An entry's place in its bucket.
    private struct Slot: Hashable, Sendable {
        var order: UInt64
        var node: NodeID
        var byteCount: Int
    }

    /// One send count's entries by order of enqueueing, oldest first; removing the oldest only moves `head`, so
    /// dropping victims from a full queue does not shift the rest.
    private struct Bucket: Hashable, Sendable {
        var slots: [Slot] = []
        var head = 0

        var isEmpty: Bool { head == slots.count }

        /// The live slots, oldest first.
        var live: ArraySlice<Slot> { slots[head...] }

        /// The first live index whose order is at least `order`.
        func index(atOrAfter order: UInt64) -> Int {
            var low = head
            var high = slots.count
            while low < high {
                let middle = (low + high) / 2
                if slots[middle].order >= order { high = middle } else { low = middle + 1 }
            }
            return low
        }

        mutating func insert(_ slot: Slot) {
            slots.insert(slot, at: index(atOrAfter: slot.order))
        }

        mutating func remove(_ slot: Slot) {
            let index = index(atOrAfter: slot.order)
            precondition(index < slots.count && slots[index].order == slot.order, "a queued update lost its slot")
            if index == head {
                head += 1
                if head == slots.count || (head >= 64 && head * 2 >= slots.count) {
                    slots.removeFirst(head)
                    head = 0
                }
            } else {
                slots.remove(at: index)
            }
        }
    }

    /// Most entries kept; past it the most-sent entry is dropped.
    public let entriesMax: Int
    private var entries: [NodeID: Entry] = [:]
    /// `buckets[t]`: the entries sent t times, by order of enqueueing (oldest first).
    private var buckets: [Bucket] = []
    /// How many queued entries have each encoded size: a scan stops once less room is left than the smallest.
    private var sizeCounts: [Int: Int] = [:]
    private var nextOrder: UInt64 = 0

    /// Makes an empty queue of at most `entriesMax` entries.
    public init(entriesMax: Int) {
        precondition(entriesMax >= 1, "a broadcast queue needs room for one update")
        self.entriesMax = entriesMax
    }

    /// The number of queued updates.
    public var count: Int { entries.count }

    /// Whether nothing is queued.
    public var isEmpty: Bool { entries.isEmpty }

    /// Queues `update`, replacing any older update about the same member (its news supersedes), with its send count
    /// reset. When full, drops the entry sent most often (the oldest among equals): push-pull repairs what it lacked.
    public mutating func enqueue(_ update: MemberUpdate) {
        remove(about: update.node)
        let entry = Entry(
            update: update, byteCount: GossipCodec.encodedByteCount(update), transmitCount: 0, order: nextOrder)
        nextOrder += 1
        entries[update.node] = entry
        sizeCounts[entry.byteCount, default: 0] += 1
        insertSlot(Slot(order: entry.order, node: update.node, byteCount: entry.byteCount), bucket: 0)
        if entries.count > entriesMax, let bucket = buckets.lastIndex(where: { !$0.isEmpty }) {
            remove(about: buckets[bucket].slots[buckets[bucket].head].node)
        }
        precondition(entries.count <= entriesMax, "the broadcast queue outgrew its limit")
    }

    /// Takes updates that fit in `byteBudget` bytes, at most `countMax`: those about `first` before all others (the
    /// buddy system, Lifeguard IV.D), then the least sent, newest first. Each taken update counts one send and
    /// leaves the queue at `transmitLimit` sends.
    public mutating func take(byteBudget: Int, countMax: Int, transmitLimit: Int, first: NodeID? = nil)
        -> [MemberUpdate]
    {
        guard !entries.isEmpty, countMax > 0 else { return [] }
        var picks: [(slot: Slot, bucket: Int)] = []
        let smallestByteCount = sizeCounts.keys.min() ?? 0
        var remainingBytes = byteBudget
        if let first, let entry = entries[first], entry.byteCount <= remainingBytes {
            picks.append((Slot(order: entry.order, node: first, byteCount: entry.byteCount), entry.transmitCount))
            remainingBytes -= entry.byteCount
        }
        // Indices, not a copy of a bucket: a copy would make the moves below copy the bucket's whole storage.
        scan: for bucket in buckets.indices {
            var index = buckets[bucket].slots.count - 1
            while index >= buckets[bucket].head {
                guard picks.count < countMax, remainingBytes >= smallestByteCount else { break scan }
                let slot = buckets[bucket].slots[index]
                index -= 1
                guard slot.node != first, slot.byteCount <= remainingBytes else { continue }
                picks.append((slot, bucket))
                remainingBytes -= slot.byteCount
            }
        }
        var taken: [MemberUpdate] = []
        taken.reserveCapacity(picks.count)
        for (slot, bucket) in picks {
            guard let update = entries[slot.node]?.update else { continue }
            taken.append(update)
            removeSlot(slot, bucket: bucket)
            if bucket + 1 >= transmitLimit {
                entries[slot.node] = nil
                uncount(slot.byteCount)
            } else {
                entries[slot.node]?.transmitCount = bucket + 1
                insertSlot(slot, bucket: bucket + 1)
            }
        }
        return taken
    }

    /// Drops any queued update about `node` (superseded, or the member was reaped).
    public mutating func remove(about node: NodeID) {
        guard let entry = entries.removeValue(forKey: node) else { return }
        uncount(entry.byteCount)
        removeSlot(Slot(order: entry.order, node: node, byteCount: entry.byteCount), bucket: entry.transmitCount)
    }

    private mutating func uncount(_ byteCount: Int) {
        let remaining = (sizeCounts[byteCount] ?? 0) - 1
        sizeCounts[byteCount] = remaining > 0 ? remaining : nil
    }

    private mutating func insertSlot(_ slot: Slot, bucket: Int) {
        while buckets.count <= bucket { buckets.append(Bucket()) }
        buckets[bucket].insert(slot)
    }

    private mutating func removeSlot(_ slot: Slot, bucket: Int) { buckets[bucket].remove(slot) }
}
