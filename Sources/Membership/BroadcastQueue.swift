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

    /// The smallest update's size: once less room than this is left, nothing else fits.
    private static let updateBytesMin = GossipCodec.encodedByteCount(.left(node: NodeID(0), incarnation: 0))

    /// Most entries kept; past it the most-sent entry is dropped.
    public let entriesMax: Int
    private var entries: [NodeID: Entry] = [:]
    /// `buckets[t]`: the entries sent t times, by order of enqueueing (oldest first).
    private var buckets: [[Slot]] = []
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
        insertSlot(Slot(order: entry.order, node: update.node, byteCount: entry.byteCount), bucket: 0)
        if entries.count > entriesMax, let bucket = buckets.lastIndex(where: { !$0.isEmpty }) {
            remove(about: buckets[bucket][0].node)
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
        var takenNodes: [NodeID] = []
        var remainingBytes = byteBudget
        if let first, let entry = entries[first], entry.byteCount <= remainingBytes {
            takenNodes.append(first)
            remainingBytes -= entry.byteCount
        }
        scan: for bucket in buckets {
            for slot in bucket.reversed() {
                guard takenNodes.count < countMax, remainingBytes >= Self.updateBytesMin else { break scan }
                guard slot.node != first, slot.byteCount <= remainingBytes else { continue }
                takenNodes.append(slot.node)
                remainingBytes -= slot.byteCount
            }
        }
        var taken: [MemberUpdate] = []
        taken.reserveCapacity(takenNodes.count)
        for node in takenNodes {
            guard let entry = entries[node] else { continue }
            taken.append(entry.update)
            removeSlot(Slot(order: entry.order, node: node, byteCount: entry.byteCount), bucket: entry.transmitCount)
            let sent = entry.transmitCount + 1
            if sent >= transmitLimit {
                entries[node] = nil
            } else {
                entries[node]?.transmitCount = sent
                insertSlot(Slot(order: entry.order, node: node, byteCount: entry.byteCount), bucket: sent)
            }
        }
        return taken
    }

    /// Drops any queued update about `node` (superseded, or the member was reaped).
    public mutating func remove(about node: NodeID) {
        guard let entry = entries.removeValue(forKey: node) else { return }
        removeSlot(Slot(order: entry.order, node: node, byteCount: entry.byteCount), bucket: entry.transmitCount)
    }

    private mutating func insertSlot(_ slot: Slot, bucket: Int) {
        while buckets.count <= bucket { buckets.append([]) }
        let index = buckets[bucket].partitioningIndex { $0.order > slot.order }
        buckets[bucket].insert(slot, at: index)
    }

    private mutating func removeSlot(_ slot: Slot, bucket: Int) {
        let index = buckets[bucket].partitioningIndex { $0.order >= slot.order }
        precondition(
            index < buckets[bucket].count && buckets[bucket][index].order == slot.order, "a queued update lost its slot"
        )
        buckets[bucket].remove(at: index)
    }
}
