// The dissemination queue (SWIM §4.1 infection-style, memberlist's TransmitLimitedQueue): the newest update about
// each member, handed out least-sent first until each has been sent its retransmit limit. Bounded. Entries sit in
// one bucket per send count, oldest first, so taking updates for a datagram never sorts the queue. Each entry keeps
// its encoding, made once at enqueue, so a datagram copies bytes instead of encoding the update again.
public import Primitives

/// Updates waiting to be piggybacked, at most one per member.
public struct BroadcastQueue: Hashable, Sendable {
    private struct Entry: Hashable, Sendable {
        /// The member the update is about.
        var node: NodeID
        /// The update as `GossipCodec.write` encodes it (all a datagram needs of it).
        var bytes: [UInt8]
        var transmitCount: Int
        var order: UInt64
    }

    /// An entry's place in its bucket; `entry` indexes the slab, so taking updates hashes nothing.
    private struct Slot: Hashable, Sendable {
        var order: UInt64
        var entry: Int
        var byteCount: Int
    }

    /// A slot picked by `take`, and the bucket it was in.
    private struct Pick: Hashable, Sendable {
        var slot: Slot
        var bucket: Int
    }

    /// One send count's entries by order of enqueueing, oldest first, in short sorted pages: an entry moving in or
    /// out of the middle shifts one page, not the whole bucket (thousands of entries while a region joins).
    private struct Bucket: Hashable, Sendable {
        /// Most slots in a page; a fuller one splits in two.
        static let pageSlotsMax = 64

        /// Non-empty pages, each sorted by order, every page's orders below the next page's.
        private(set) var pages: [[Slot]] = []
        /// Each page's last order, side by side: the page search reads one array, not every page it passes.
        private var lastOrders: [UInt64] = []

        var isEmpty: Bool { pages.isEmpty }

        /// The oldest entry's slot; the bucket MUST NOT be empty.
        var oldest: Slot { pages[0][0] }

        /// The first page whose last order is at least `order` (`pages.count` if none).
        private func page(atOrAfter order: UInt64) -> Int {
            var low = 0
            var high = pages.count
            while low < high {
                let middle = (low + high) / 2
                if lastOrders[middle] >= order { high = middle } else { low = middle + 1 }
            }
            return low
        }

        /// The first index of `page` whose order is at least `order`.
        private func index(in page: Int, atOrAfter order: UInt64) -> Int {
            var low = 0
            var high = pages[page].count
            while low < high {
                let middle = (low + high) / 2
                if pages[page][middle].order >= order { high = middle } else { low = middle + 1 }
            }
            return low
        }

        mutating func insert(_ slot: Slot) {
            // Most moves go to the end (the newest order of their new bucket): append without a search then.
            var page = pages.count - 1
            if page < 0 || lastOrders[page] < slot.order {
                if page < 0 || pages[page].count >= Self.pageSlotsMax {
                    pages.append([])
                    pages[pages.count - 1].reserveCapacity(Self.pageSlotsMax)
                    lastOrders.append(slot.order)
                    page += 1
                }
                pages[page].append(slot)
                lastOrders[page] = slot.order
                return
            }
            page = self.page(atOrAfter: slot.order)
            pages[page].insert(slot, at: index(in: page, atOrAfter: slot.order))
            if pages[page].count > Self.pageSlotsMax {
                let upper = Array(pages[page][(Self.pageSlotsMax / 2)...])
                pages[page].removeLast(upper.count)
                pages.insert(upper, at: page + 1)
                lastOrders[page] = pages[page][pages[page].count - 1].order
                lastOrders.insert(upper[upper.count - 1].order, at: page + 1)
            }
        }

        mutating func remove(_ slot: Slot) {
            let page = page(atOrAfter: slot.order)
            let index = page < pages.count ? index(in: page, atOrAfter: slot.order) : 0
            precondition(
                page < pages.count && pages[page][index].order == slot.order, "a queued update lost its slot")
            pages[page].remove(at: index)
            if pages[page].isEmpty {
                pages.remove(at: page)
                lastOrders.remove(at: page)
            } else if index == pages[page].count {
                lastOrders[page] = pages[page][index - 1].order
            }
        }
    }

    /// Most entries kept; past it the most-sent entry is dropped.
    public let entriesMax: Int
    /// The entries, by slot; nil where a slot is free.
    private var slab: [Entry?] = []
    private var freeEntries: [Int] = []
    /// Each queued member's entry in the slab.
    private var entryOfNode: [NodeID: Int] = [:]
    /// `buckets[t]`: the entries sent t times, by order of enqueueing (oldest first).
    private var buckets: [Bucket] = []
    /// How many queued entries have each encoded size: a scan stops once less room is left than the smallest.
    private var sizeCounts: [Int: Int] = [:]
    private var nextOrder: UInt64 = 0
    /// `take`'s scratch list, kept so a datagram allocates no list of its own.
    private var picks: [Pick] = []

    /// Makes an empty queue of at most `entriesMax` entries.
    public init(entriesMax: Int) {
        precondition(entriesMax >= 1, "a broadcast queue needs room for one update")
        self.entriesMax = entriesMax
    }

    /// The number of queued updates.
    public var count: Int { entryOfNode.count }

    /// Whether nothing is queued.
    public var isEmpty: Bool { entryOfNode.isEmpty }

    /// Queues `update`, replacing any older update about the same member (its news supersedes), with its send count
    /// reset. When full, drops the entry sent most often (the oldest among equals): push-pull repairs what it lacked.
    public mutating func enqueue(_ update: MemberUpdate) {
        remove(about: update.node)
        var writer = ByteWriter(capacity: 256)
        GossipCodec.write(update, into: &writer)
        // An exact copy: a thousand entries per node would otherwise each hold the writer's spare capacity.
        let bytes = writer.bytes.withUnsafeBufferPointer { [UInt8]($0) }
        let entry = Entry(node: update.node, bytes: bytes, transmitCount: 0, order: nextOrder)
        nextOrder += 1
        let index: Int
        if let free = freeEntries.popLast() {
            index = free
            slab[index] = entry
        } else {
            index = slab.count
            slab.append(entry)
        }
        entryOfNode[update.node] = index
        sizeCounts[entry.bytes.count, default: 0] += 1
        insertSlot(Slot(order: entry.order, entry: index, byteCount: entry.bytes.count), bucket: 0)
        if entryOfNode.count > entriesMax, let bucket = buckets.lastIndex(where: { !$0.isEmpty }) {
            let victim = buckets[bucket].oldest.entry
            guard let node = slab[victim]?.node else { preconditionFailure("a slot names a free entry") }
            remove(about: node)
        }
        precondition(entryOfNode.count <= entriesMax, "the broadcast queue outgrew its limit")
    }

    /// Takes updates that fit in `byteBudget` bytes, at most `countMax`: those about `first` before all others (the
    /// buddy system, Lifeguard IV.D), then the least sent, newest first. Each taken update counts one send and
    /// leaves the queue at `transmitLimit` sends.
    public mutating func take(byteBudget: Int, countMax: Int, transmitLimit: Int, first: NodeID? = nil)
        -> [MemberUpdate]
    {
        var taken: [MemberUpdate] = []
        pick(byteBudget: byteBudget, countMax: countMax, first: first)
        taken.reserveCapacity(picks.count)
        for pick in picks {
            guard let bytes = slab[pick.slot.entry]?.bytes else { preconditionFailure("a slot names a free entry") }
            var reader = GossipReader(bytes)
            guard let update = try? GossipCodec.readUpdate(&reader) else { preconditionFailure("an update re-decodes") }
            taken.append(update)
        }
        advancePicks(transmitLimit: transmitLimit)
        return taken
    }

    /// Takes what `take` would, in the same order, but appends the updates' encodings to `writer` (the bytes
    /// `GossipCodec.write` makes, kept since enqueue) and returns how many it wrote.
    public mutating func take(
        into writer: inout ByteWriter, byteBudget: Int, countMax: Int, transmitLimit: Int, first: NodeID? = nil
    ) -> Int {
        pick(byteBudget: byteBudget, countMax: countMax, first: first)
        for pick in picks {
            guard let bytes = slab[pick.slot.entry]?.bytes else { preconditionFailure("a slot names a free entry") }
            writer.write(contentsOf: bytes)
        }
        let count = picks.count
        advancePicks(transmitLimit: transmitLimit)
        return count
    }

    /// Drops any queued update about `node` (superseded, or the member was reaped).
    public mutating func remove(about node: NodeID) {
        guard let index = entryOfNode.removeValue(forKey: node), let entry = slab[index] else { return }
        slab[index] = nil
        freeEntries.append(index)
        uncount(entry.bytes.count)
        removeSlot(Slot(order: entry.order, entry: index, byteCount: entry.bytes.count), bucket: entry.transmitCount)
    }

    /// Fills `picks`: the entry about `first`, then the least sent, newest first, while they fit.
    private mutating func pick(byteBudget: Int, countMax: Int, first: NodeID?) {
        picks.removeAll(keepingCapacity: true)
        guard !entryOfNode.isEmpty, countMax > 0 else { return }
        let smallestByteCount = sizeCounts.keys.min() ?? 0
        var remainingBytes = byteBudget
        var firstEntry = -1
        if let first, let index = entryOfNode[first], let entry = slab[index], entry.bytes.count <= remainingBytes {
            firstEntry = index
            picks.append(
                Pick(
                    slot: Slot(order: entry.order, entry: index, byteCount: entry.bytes.count),
                    bucket: entry.transmitCount))
            remainingBytes -= entry.bytes.count
        }
        // Indices, not a copy of a bucket: a copy would make the moves below copy the bucket's whole storage.
        scan: for bucket in buckets.indices {
            for page in buckets[bucket].pages.indices.reversed() {
                for index in buckets[bucket].pages[page].indices.reversed() {
                    guard picks.count < countMax, remainingBytes >= smallestByteCount else { break scan }
                    let slot = buckets[bucket].pages[page][index]
                    guard slot.entry != firstEntry, slot.byteCount <= remainingBytes else { continue }
                    picks.append(Pick(slot: slot, bucket: bucket))
                    remainingBytes -= slot.byteCount
                }
            }
        }
    }

    /// Counts one send for every entry in `picks`, retiring those that reached `transmitLimit`.
    private mutating func advancePicks(transmitLimit: Int) {
        for pick in picks {
            let slot = pick.slot
            removeSlot(slot, bucket: pick.bucket)
            if pick.bucket + 1 >= transmitLimit {
                guard let node = slab[slot.entry]?.node else { preconditionFailure("a slot names a free entry") }
                entryOfNode[node] = nil
                slab[slot.entry] = nil
                freeEntries.append(slot.entry)
                uncount(slot.byteCount)
            } else {
                slab[slot.entry]?.transmitCount = pick.bucket + 1
                insertSlot(slot, bucket: pick.bucket + 1)
            }
        }
        picks.removeAll(keepingCapacity: true)
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
