// The dissemination queue (SWIM §4.1 infection-style, memberlist's TransmitLimitedQueue): the newest update about
// each member, handed out least-sent first until each has been sent its retransmit limit. Bounded.
public import Primitives

/// Updates waiting to be piggybacked, at most one per member.
public struct BroadcastQueue: Hashable, Sendable {
    private struct Entry: Hashable, Sendable {
        var update: MemberUpdate
        var byteCount: Int
        var transmitCount: Int
        var order: UInt64
    }

    /// Most entries kept; past it the most-sent entry is dropped.
    public let entriesMax: Int
    private var entries: [NodeID: Entry] = [:]
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
        entries[update.node] = Entry(
            update: update, byteCount: GossipCodec.encodedByteCount(update), transmitCount: 0, order: nextOrder)
        nextOrder += 1
        if entries.count > entriesMax {
            let victim = entries.values.max { left, right in
                (left.transmitCount, right.order) < (right.transmitCount, left.order)
            }
            if let victim { entries[victim.update.node] = nil }
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
        let ordered = entries.values.sorted { left, right in
            let leftFirst = left.update.node == first
            let rightFirst = right.update.node == first
            if leftFirst != rightFirst { return leftFirst }
            if left.transmitCount != right.transmitCount { return left.transmitCount < right.transmitCount }
            return left.order > right.order
        }
        var taken: [MemberUpdate] = []
        var remainingBytes = byteBudget
        for entry in ordered where entry.byteCount <= remainingBytes {
            taken.append(entry.update)
            remainingBytes -= entry.byteCount
            let node = entry.update.node
            entries[node]?.transmitCount += 1
            if let sent = entries[node]?.transmitCount, sent >= transmitLimit { entries[node] = nil }
            if taken.count == countMax { break }
        }
        return taken
    }

    /// Drops any queued update about `node` (after it was reaped).
    public mutating func remove(about node: NodeID) { entries[node] = nil }
}
