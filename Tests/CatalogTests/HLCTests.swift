// Goal: the hybrid logical clock keeps its promises under skewed, jumping and equal physical clocks: timestamps only
// grow, a receive follows its send, the physical part never lags physical time, the node id breaks ties, and a
// remote clock too far ahead is refused without moving ours. Method: seeded random schedules of events.
import Catalog
import Primitives
import Testing

@Suite struct HLCTests {
    @Test("local timestamps strictly increase while the physical clock jumps back and forth", arguments: [1, 2, 3])
    func monotonicUnderJumps(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var clock = HybridLogicalClock(nodeID: NodeID(7))
        var physical: Int64 = 1_700_000_000_000
        var previous = clock.now(physicalMilliseconds: physical)
        for _ in 0..<5_000 {
            physical += Int64(random.next() % 2_001) - 1_000
            let next = clock.now(physicalMilliseconds: physical)
            #expect(next > previous)
            #expect(next.physicalMilliseconds >= physical)
            #expect(next.nodeID == NodeID(7))
            previous = next
        }
    }

    @Test("messages between skewed nodes: every receive follows its send and drift stays within the skew")
    func skewedNodes() throws {
        var random = SeededRandom(seed: 42)
        let offsets: [Int64] = [0, 30_000, -20_000]
        var clocks = offsets.indices.map { HybridLogicalClock(nodeID: NodeID(UInt64($0))) }
        var realTime: Int64 = 1_700_000_000_000
        for _ in 0..<3_000 {
            realTime += Int64(random.next() % 50)
            let sender = Int(random.next() % 3)
            let receiver = (sender + 1 + Int(random.next() % 2)) % 3
            let sent = clocks[sender].now(physicalMilliseconds: realTime + offsets[sender])
            let received = try clocks[receiver].observe(sent, physicalMilliseconds: realTime + offsets[receiver])
            #expect(received > sent)
            #expect(received.physicalMilliseconds - (realTime + offsets[receiver]) <= 50_000)
        }
    }

    @Test("two nodes with equal clocks make distinct timestamps ordered by node id")
    func equalClocksTieBreak() {
        var first = HybridLogicalClock(nodeID: NodeID(1))
        var second = HybridLogicalClock(nodeID: NodeID(2))
        for step in 0..<100 {
            let physical = 1_000 + Int64(step / 10)
            let a = first.now(physicalMilliseconds: physical)
            let b = second.now(physicalMilliseconds: physical)
            #expect(a.clockValue == b.clockValue)
            #expect(a < b)
            #expect(a != b)
        }
    }

    @Test("a remote timestamp beyond the forward skew bound is refused and leaves the clock unchanged")
    func skewBound() throws {
        var clock = HybridLogicalClock(nodeID: NodeID(1), forwardSkewMillisecondsMax: 1_000)
        _ = clock.now(physicalMilliseconds: 10_000)
        let before = clock.last
        let far = HLCTimestamp(physicalMilliseconds: 11_001, logical: 0, nodeID: NodeID(9))
        let error = #expect(throws: CatalogError.self) { try clock.observe(far, physicalMilliseconds: 10_000) }
        #expect(error?.code == .clockSkew)
        #expect(error?.message.contains("1001 ms ahead") == true)
        #expect(clock.last == before)
        let near = HLCTimestamp(physicalMilliseconds: 11_000, logical: 5, nodeID: NodeID(9))
        let merged = try clock.observe(near, physicalMilliseconds: 10_000)
        #expect(merged == HLCTimestamp(physicalMilliseconds: 11_000, logical: 6, nodeID: NodeID(1)))
    }

    @Test("an overflowing logical counter moves the physical part on and keeps the order")
    func logicalOverflow() {
        var clock = HybridLogicalClock(nodeID: NodeID(3))
        var previous = clock.now(physicalMilliseconds: 500)
        for _ in 0..<70_000 {
            let next = clock.now(physicalMilliseconds: 500)
            #expect(next > previous)
            previous = next
        }
        #expect(previous.physicalMilliseconds == 501)
    }

    @Test("a clock restored from a stored version makes later timestamps")
    func restoredClock() {
        let stored = HLCTimestamp(physicalMilliseconds: 9_000, logical: 4, nodeID: NodeID(2))
        var clock = HybridLogicalClock(nodeID: NodeID(5), last: stored)
        #expect(clock.now(physicalMilliseconds: 1_000) > stored)
    }

    @Test("sortable text and clock value round-trip and sort like the timestamps", arguments: [5, 6])
    func encodings(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var stamps: [HLCTimestamp] = []
        for _ in 0..<500 {
            let physical = Int64(random.next() % 4) * 1_000_000_000_000 + Int64(random.next() % 3)
            let stamp = HLCTimestamp(
                physicalMilliseconds: physical, logical: UInt16(random.next() % 3), nodeID: NodeID(random.next() % 3))
            #expect(HLCTimestamp(sortableText: stamp.sortableText) == stamp)
            #expect(HLCTimestamp(clockValue: stamp.clockValue, nodeID: stamp.nodeID) == stamp)
            #expect(stamp.sortableText.utf8.count == HLCTimestamp.sortableTextCount)
            stamps.append(stamp)
        }
        #expect(stamps.sorted().map(\.sortableText) == stamps.map(\.sortableText).sorted())
        #expect(HLCTimestamp(sortableText: "00000000000A.0000.0000000000000000") == nil)
        #expect(HLCTimestamp(sortableText: "000000000001-0000-0000000000000000") == nil)
        #expect(HLCTimestamp(sortableText: "") == nil)
    }
}
