// The core's member list: rows in one dense array and an open-addressing index from node id to row, hashed with a
// fixed mix of the id (ids are random already). A lookup touches one slot and one row, with no Hasher and no copy
// of a row to read one field; rows keep their order of arrival, with the last row moved into a removed one's place.
// A slot also holds its row's incarnation: most gossip is old news, told apart from one slot without the row.
import Primitives

/// Member rows by node id.
struct MemberTable: Sendable {
    /// A slot of the index: a node id, its row and the row's incarnation, or `row == -1` when empty.
    private struct Slot: Sendable {
        var node: UInt64
        var row: Int
        var incarnation: UInt64
    }

    /// Every row, in no particular order (a removal moves the last row into the gap).
    private(set) var rows: [MemberState] = []
    /// Linear-probing index, a power of two at least twice the row count.
    private var slots = [Slot](repeating: Slot(node: 0, row: -1, incarnation: 0), count: 16)

    /// The number of rows.
    var count: Int { rows.count }

    /// The row index of `node`, if it has a row.
    func index(of node: NodeID) -> Int? { find(node).map { slots[$0].row } }

    /// The row index of `node` and its incarnation, read from the index alone.
    func indexAndIncarnation(of node: NodeID) -> (row: Int, incarnation: UInt64)? {
        find(node).map { (slots[$0].row, slots[$0].incarnation) }
    }

    /// The slot of `node`, if it has a row.
    private func find(_ node: NodeID) -> Int? {
        let mask = slots.count - 1
        var slot = Self.home(node.rawValue, mask: mask)
        while true {
            let entry = slots[slot]
            if entry.row < 0 { return nil }
            if entry.node == node.rawValue { return slot }
            slot = (slot + 1) & mask
        }
    }

    /// The row of `node`, if any.
    subscript(node: NodeID) -> MemberState? {
        guard let row = index(of: node) else { return nil }
        return rows[row]
    }

    /// Sets the incarnation of the row at `row` in place.
    mutating func setIncarnation(_ incarnation: UInt64, at row: Int) {
        rows[row].incarnation = incarnation
        slots[slot(of: rows[row].nodeID.rawValue)].incarnation = incarnation
    }

    /// Replaces the row at `row` with `member`, which MUST have the same id.
    mutating func replace(at row: Int, with member: MemberState) {
        precondition(rows[row].nodeID == member.nodeID, "a row keeps its node id")
        rows[row] = member
        slots[slot(of: member.nodeID.rawValue)].incarnation = member.incarnation
    }

    /// Adds `member`'s row; its id MUST have none yet.
    mutating func insert(_ member: MemberState) {
        precondition(index(of: member.nodeID) == nil, "a node id has one row")
        if 2 * (rows.count + 1) > slots.count { grow() }
        place(node: member.nodeID.rawValue, row: rows.count, incarnation: member.incarnation)
        rows.append(member)
    }

    /// Removes and returns `node`'s row, if any.
    mutating func remove(_ node: NodeID) -> MemberState? {
        let mask = slots.count - 1
        var hole = Self.home(node.rawValue, mask: mask)
        while slots[hole].node != node.rawValue || slots[hole].row < 0 {
            if slots[hole].row < 0 { return nil }
            hole = (hole + 1) & mask
        }
        let row = slots[hole].row
        // Backward-shift deletion: pull later entries of the probe run into the hole unless that would put them
        // before their home slot.
        var next = hole
        while true {
            next = (next + 1) & mask
            guard slots[next].row >= 0 else { break }
            let home = Self.home(slots[next].node, mask: mask)
            let staysPut = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if !staysPut {
                slots[hole] = slots[next]
                hole = next
            }
        }
        slots[hole] = Slot(node: 0, row: -1, incarnation: 0)
        let removed = rows[row]
        let last = rows.count - 1
        if row != last {
            rows.swapAt(row, last)
            repoint(node: rows[row].nodeID.rawValue, to: row)
        }
        rows.removeLast()
        return removed
    }

    private mutating func repoint(node: UInt64, to row: Int) { slots[slot(of: node)].row = row }

    /// The slot of `node`, which MUST have one.
    private func slot(of node: UInt64) -> Int {
        let mask = slots.count - 1
        var slot = Self.home(node, mask: mask)
        while slots[slot].node != node || slots[slot].row < 0 { slot = (slot + 1) & mask }
        return slot
    }

    private mutating func place(node: UInt64, row: Int, incarnation: UInt64) {
        let mask = slots.count - 1
        var slot = Self.home(node, mask: mask)
        while slots[slot].row >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Slot(node: node, row: row, incarnation: incarnation)
    }

    private mutating func grow() {
        slots = [Slot](repeating: Slot(node: 0, row: -1, incarnation: 0), count: slots.count * 2)
        for (row, member) in rows.enumerated() {
            place(node: member.nodeID.rawValue, row: row, incarnation: member.incarnation)
        }
    }

    @inline(__always)
    private static func home(_ node: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: Mixing.mix64(node)) & mask }
}
