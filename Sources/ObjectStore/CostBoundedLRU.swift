// A least-recently-used map whose values each have a cost (bytes), bounded by the total cost. Pure and not
// thread-safe: ReadCache keeps one behind a Mutex. Slots live in one array linked by index, so a lookup, an insert
// and an eviction are O(1) and allocate nothing once the array has grown.

/// A map that forgets its least recently used values once their total cost would pass `costMax`.
struct CostBoundedLRU<Key: Hashable, Value> {
    private struct Slot {
        var key: Key
        var value: Value?
        var cost: Int
        /// The next older slot, or -1.
        var older: Int
        /// The next newer slot, or -1.
        var newer: Int
    }

    /// The total cost the values may reach.
    let costMax: Int
    /// The total cost of the values held.
    private(set) var cost = 0
    private var slots: [Slot] = []
    private var slotByKey: [Key: Int] = [:]
    private var freeSlots: [Int] = []
    private var newest = -1
    private var oldest = -1

    /// An empty map holding values of total cost up to `costMax`.
    init(costMax: Int) {
        precondition(costMax >= 0, "a cache cannot hold a negative cost")
        self.costMax = costMax
    }

    /// Values held.
    var count: Int { slotByKey.count }

    /// The value for `key`, which becomes the most recently used; nil when it is not held.
    mutating func value(for key: Key) -> Value? {
        guard let index = slotByKey[key] else { return nil }
        unlink(index)
        linkAsNewest(index)
        return slots[index].value
    }

    /// The value for `key`, if held; unlike `value(for:)`, this does not make it the most recently used.
    func peek(_ key: Key) -> Value? { slotByKey[key].flatMap { slots[$0].value } }

    /// Holds `value` for `key` as the most recently used, forgetting the least recently used values until the total
    /// cost fits. A value costing more than `costMax` is not held (and any older value for `key` is forgotten).
    mutating func insert(_ value: Value, for key: Key, cost valueCost: Int) {
        precondition(valueCost >= 0, "a value cannot have a negative cost")
        remove(key)
        guard valueCost <= costMax else { return }
        while cost + valueCost > costMax, oldest >= 0 { remove(slots[oldest].key) }
        let slot = Slot(key: key, value: value, cost: valueCost, older: -1, newer: -1)
        let index: Int
        if let free = freeSlots.popLast() {
            index = free
            slots[index] = slot
        } else {
            index = slots.count
            slots.append(slot)
        }
        slotByKey[key] = index
        cost += valueCost
        linkAsNewest(index)
        assert(cost <= costMax)
    }

    /// Forgets the value for `key`, if held.
    mutating func remove(_ key: Key) {
        guard let index = slotByKey.removeValue(forKey: key) else { return }
        unlink(index)
        cost -= slots[index].cost
        slots[index].value = nil
        slots[index].cost = 0
        freeSlots.append(index)
    }

    /// Forgets every value.
    mutating func removeAll() {
        self = CostBoundedLRU(costMax: costMax)
    }

    private mutating func unlink(_ index: Int) {
        let (older, newer) = (slots[index].older, slots[index].newer)
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        slots[index].older = -1
        slots[index].newer = -1
    }

    private mutating func linkAsNewest(_ index: Int) {
        slots[index].older = newest
        slots[index].newer = -1
        if newest >= 0 { slots[newest].newer = index } else { oldest = index }
        newest = index
    }
}
