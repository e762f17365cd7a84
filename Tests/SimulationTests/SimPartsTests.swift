// The simulator's parts on their own: the event queue's order, the clock's mapping both ways, and each network
// fault (loss, duplication, reordering, bandwidth, one-way cuts), measured directly with fixed seeds.
import Primitives
import Simulation
import Testing

@Suite("Simulator parts")
struct SimPartsTests {
    // Goal: events run by time, and in scheduling order within one tick. Method: 2,000 seeded pushes with many equal
    // times; pops come out sorted by (time, sequence), and `notAfter` stops at the bound.
    @Test("the event queue pops by time, then by scheduling order")
    func eventQueueOrder() {
        var queue = SimEventQueue<Int>()
        var random = SeededRandom(seed: 7)
        for index in 0..<2_000 { queue.push(index, at: Int64(random.next() % 50)) }
        #expect(queue.pop(notAfter: -1) == nil)
        var previous: (Int64, UInt64) = (-1, 0)
        var popped = 0
        while let entry = queue.pop(notAfter: 49) {
            #expect((previous.0, previous.1) < (entry.time, entry.sequence))
            #expect(entry.sequence == UInt64(entry.payload))
            previous = (entry.time, entry.sequence)
            popped += 1
        }
        #expect(popped == 2_000 && queue.isEmpty)
    }

    // Goal: a node's clock maps true time to local time with skew, drift and forward jumps, and a timer set in local
    // time fires at the first true time the clock reaches it. Method: fixed clocks, checked both ways.
    @Test("a clock maps true to local time and back, with skew, drift and jumps")
    func clockMapping() throws {
        let skewed = try SimClock(offsetTicks: 5_000, driftPPM: 0)
        #expect(skewed.local(atTrueTicks: 1_000) == Instant(ticks: 6_000))
        #expect(skewed.trueTicks(reaching: Instant(ticks: 6_000), notBefore: 0) == 1_000)
        let drifting = try SimClock(offsetTicks: 0, driftPPM: 100)
        #expect(drifting.local(atTrueTicks: 10_000_000) == Instant(ticks: 10_001_000))
        let jumping = try SimClock(
            offsetTicks: 0, driftPPM: -50, jumps: [SimClock.Jump(atTicks: 2_000_000, stepTicks: 1_000_000)])
        #expect(jumping.local(atTrueTicks: 1_999_999).ticks < 2_000_000)
        #expect(jumping.local(atTrueTicks: 2_000_000).ticks >= 2_999_000)
        for target in stride(from: Int64(0), through: 5_000_000, by: 250_001) {
            let fire = jumping.trueTicks(reaching: Instant(ticks: target), notBefore: 0)
            #expect(jumping.local(atTrueTicks: fire).ticks >= target)
            #expect(fire == 0 || jumping.local(atTrueTicks: fire - 1).ticks < target)
        }
        #expect(throws: SimClockError.self) {
            try SimClock(offsetTicks: 0, driftPPM: 0, jumps: [SimClock.Jump(atTicks: 10, stepTicks: -5)])
        }
        #expect(throws: SimClockError.self) { try SimClock(offsetTicks: 0, driftPPM: 20_000) }
    }

    /// A network between 24 nodes of the standard region, with `configure` applied.
    private func network(_ configure: (inout SimNetworkConfiguration) -> Void) -> SimNetwork {
        var configuration = SimNetworkConfiguration.clean
        configure(&configuration)
        return SimNetwork(topology: .standard(nodeCount: 24, seed: 3), configuration: configuration, seed: 3)
    }

    // Goal: loss drops about its rate, and nothing else. Method: 10,000 datagrams at 10 % loss.
    @Test("loss drops datagrams at its rate")
    func lossRate() {
        var network = network { $0.lossRate = 0.1 }
        var delivered = 0
        for index in 0..<10_000
        where network.transmit(byteCount: 100, from: 0, to: 1, atTicks: Int64(index)).arrivalTicks != nil {
            delivered += 1
        }
        #expect((8_800...9_200).contains(delivered))
        #expect(network.counters.datagramsLost == 10_000 - delivered)
    }

    // Goal: duplication delivers a second copy at its rate. Method: 10,000 datagrams at 5 % duplication.
    @Test("duplication delivers extra copies at its rate")
    func duplicationRate() {
        var network = network { $0.duplicateRate = 0.05 }
        var duplicates = 0
        for index in 0..<10_000 {
            let delivery = network.transmit(byteCount: 100, from: 2, to: 3, atTicks: Int64(index))
            #expect(delivery.arrivalTicks != nil)
            if delivery.duplicateTicks != nil { duplicates += 1 }
        }
        #expect((380...620).contains(duplicates))
    }

    // Goal: reordering lets later datagrams overtake held-back ones. Method: 1,000 datagrams 100 µs apart with 20 %
    // held back 5 ms; arrivals are then out of send order for some pairs, never with no reordering.
    @Test("reordering lets later datagrams overtake")
    func reordering() {
        func inversions(_ rate: Double) -> Int {
            var network = network {
                $0.reorderRate = rate
                $0.jitterTicks = 0
                $0.reorderDelayTicks = 5_000
            }
            let arrivals = (0..<1_000).compactMap {
                network.transmit(byteCount: 100, from: 4, to: 5, atTicks: Int64($0) * 100).arrivalTicks
            }
            return zip(arrivals, arrivals.dropFirst()).count { $0 > $1 }
        }
        #expect(inversions(0) == 0)
        #expect(inversions(0.2) > 50)
    }

    // Goal: an uplink serializes what a node sends. Method: 1 MB/s, ten 1,000-byte datagrams at once arrive 1 ms
    // apart (plus the same path delay), the last 9 ms after the first.
    @Test("bandwidth adds serialization delay behind earlier datagrams")
    func bandwidth() {
        var network = network {
            $0.uplinkBytesPerSecond = 1_000_000
            $0.jitterTicks = 0
        }
        let arrivals = (0..<10).compactMap { _ in
            network.transmit(byteCount: 1_000, from: 6, to: 7, atTicks: 0).arrivalTicks
        }
        #expect(arrivals.count == 10)
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $1 - $0 == 1_000 })
        #expect(arrivals[0] == 1_000 + network.topology.oneWayTicks(from: 6, to: 7))
    }

    // Goal: a one-way cut drops A→B while B→A works, and streams (which need both ways) fail. Method: cut 8→9.
    @Test("a one-way partition cuts one direction")
    func oneWayCut() {
        var network = network { _ in }
        network.cut(from: [8], to: [9])
        #expect(network.transmit(byteCount: 100, from: 8, to: 9, atTicks: 0).arrivalTicks == nil)
        #expect(network.transmit(byteCount: 100, from: 9, to: 8, atTicks: 0).arrivalTicks != nil)
        #expect(network.streamArrival(byteCount: 100, from: 9, to: 8, atTicks: 0) == nil)
        network.healAll()
        #expect(network.transmit(byteCount: 100, from: 8, to: 9, atTicks: 0).arrivalTicks != nil)
    }
}
