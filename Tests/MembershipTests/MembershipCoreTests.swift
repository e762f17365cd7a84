// Unit tests of MembershipCore's parts: Lifeguard's suspicion timeout formula and Tessera's one confirmation, the
// local health multiplier, the broadcast queue's superseding and limits, and the core's datagram packing under its
// size limit.
import Membership
import Primitives
import Testing

private let second = Instant.ticksPerSecond

@Suite("Membership core parts")
struct MembershipCoreTests {
    // Goal: the suspicion timeout follows memberlist's formula. Method: known points of max − (max − min) ×
    // log(c + 1)/log(k + 1) for min 4 s, max 24 s, k 3; and the floor 4 × max(1, log10 n) × 1 s.
    @Test("the suspicion timeout shrinks with confirmations")
    func suspicionFormula() {
        func timeout(_ confirmations: Int) -> Int64 {
            SuspicionTimer.timeoutTicks(
                confirmations: confirmations, expected: 3, ticksMin: 4 * second, ticksMax: 24 * second)
        }
        #expect(timeout(0) == 24 * second)
        #expect(timeout(1) == 14 * second)
        #expect(timeout(3) == 4 * second)
        #expect(timeout(9) == 4 * second)
        #expect(
            SuspicionTimer.timeoutTicks(confirmations: 0, expected: 0, ticksMin: 4 * second, ticksMax: 24 * second) == 4
                * second)
        #expect(SuspicionTimer.timeoutTicksMin(multiplier: 4, memberCount: 5, probeIntervalTicks: second) == 4 * second)
        #expect(
            SuspicionTimer.timeoutTicksMin(multiplier: 4, memberCount: 100, probeIntervalTicks: second) == 8 * second)
        #expect(
            SuspicionTimer.timeoutTicksMin(multiplier: 4, memberCount: 1_000, probeIntervalTicks: second) == 12 * second
        )
        var timer = SuspicionTimer(
            startedAt: Instant(ticks: 10), accuser: NodeID(1), timeoutTicksMin: 4 * second,
            timeoutTicksMax: 24 * second,
            confirmationsExpected: 3)
        #expect(timer.deadline == Instant(ticks: 10 + 24 * second))
        let accepted = [1, 2, 2].map { timer.confirm(by: NodeID(UInt64($0))) }
        #expect(accepted == [false, true, false])
        #expect(timer.deadline == Instant(ticks: 10 + 14 * second))
        let later = [3, 4, 5].map { timer.confirm(by: NodeID(UInt64($0))) }
        #expect(later == [true, true, false])
        #expect(timer.deadline == Instant(ticks: 10 + 4 * second))
    }

    // Goal: failed probes raise the local health score and slow probing; a success lowers it (Lifeguard IV.C).
    // Method: a core that knows three silent members; fire its probe and probe-failed timers with no answers and
    // watch the score and the next probe timer's distance.
    @Test("local health rises on failed probes and slows probing")
    func localHealthSlowsProbing() {
        var core = MembershipCore(metadata: MembershipTestNetwork.metadata(index: 0, version: 1), seed: 1)
        var now = Instant.zero
        _ = core.handle(.started(seeds: []), now: now)
        let others = (1...3).map {
            GossipDatagram(
                probe: nil,
                updates: [.alive(incarnation: 1, metadata: MembershipTestNetwork.metadata(index: $0, version: 1))])
        }
        for datagram in others {
            _ = core.handle(.received(datagram, from: MembershipTestNetwork.address(9)), now: now)
        }
        var periods: [Int64] = []
        for _ in 0..<5 {
            let effects = core.handle(.timerFired(.probe), now: now)
            var next = now
            var sequence: UInt32 = 0
            for effect in effects {
                if case .setTimer(.probe, let at) = effect { next = at }
                if case .setTimer(.probeFailed(let failed), _) = effect { sequence = failed }
            }
            periods.append(next.ticks(since: now))
            // No ack, no nacks: every ping-req helper stays silent, so each missing nack counts.
            _ = core.handle(.timerFired(.probeTimedOut(sequence: sequence)), now: now.advanced(byTicks: second / 2))
            _ = core.handle(.timerFired(.probeFailed(sequence: sequence)), now: next)
            now = next
        }
        // Each failure adds the two nacks that never came (two helpers besides the target): score 0, 2, 4, 6, 7.
        #expect(periods == [1, 3, 5, 7, 8].map { $0 * second })
        #expect(periods[4] == Int64(core.configuration.awarenessMax) * second)
        #expect(core.localHealth.score == core.configuration.awarenessMax - 1)
        var health = LocalHealth(awarenessMax: 8)
        health.apply(3)
        health.apply(-1)
        #expect(health.score == 2 && health.scaled(second) == 3 * second)
        health.apply(-10)
        #expect(health.score == 0)
    }

    // Goal: the queue keeps the newest news per member, sends each update its limit, and stays bounded.
    // Method: enqueue, supersede, take with a limit of 2, overflow a queue of 3.
    @Test("the broadcast queue supersedes, retires and stays bounded")
    func broadcastQueue() {
        var queue = BroadcastQueue(entriesMax: 3)
        queue.enqueue(.suspect(node: NodeID(1), incarnation: 1, source: NodeID(2)))
        queue.enqueue(.dead(node: NodeID(1), incarnation: 1, source: NodeID(2)))
        #expect(queue.count == 1)
        let first = queue.take(byteBudget: 1_000, countMax: 8, transmitLimit: 2)
        #expect(first == [.dead(node: NodeID(1), incarnation: 1, source: NodeID(2))])
        let second = queue.take(byteBudget: 1_000, countMax: 8, transmitLimit: 2)
        #expect(second.count == 1)
        #expect(queue.isEmpty)
        for node in 1...4 { queue.enqueue(.left(node: NodeID(UInt64(node)), incarnation: 1)) }
        #expect(queue.count == 3)
        let buddy = queue.take(byteBudget: 1_000, countMax: 1, transmitLimit: 9, first: NodeID(3))
        #expect(buddy.map(\.node) == [NodeID(3)])
        let tooSmall = queue.take(byteBudget: 5, countMax: 8, transmitLimit: 9)
        #expect(tooSmall.isEmpty)
    }

    // Goal: with Tessera's defaults a lone accusation runs the long timeout and a second, independent accuser
    // brings it to the floor (k = 1), while the same accuser again changes nothing. Method: a core that knows 20
    // members receives suspect(member 5) from member 1, then again from member 1, then from member 2; the
    // suspicion's deadline is read after each.
    @Test("one independent confirmation brings a suspicion from its start to its floor")
    func oneConfirmationReachesFloor() {
        var core = MembershipCore(metadata: MembershipTestNetwork.metadata(index: 0, version: 1), seed: 3)
        _ = core.handle(.started(seeds: []), now: .zero)
        for index in 1..<20 {
            let update = MemberUpdate.alive(
                incarnation: 1, metadata: MembershipTestNetwork.metadata(index: index, version: 1))
            _ = core.handle(
                .received(GossipDatagram(probe: nil, updates: [update]), from: MembershipTestNetwork.address(99)),
                now: .zero)
        }
        let accused = MembershipTestNetwork.nodeID(5)
        func accuse(by accuser: Int) -> [MembershipCore.Effect] {
            let update = MemberUpdate.suspect(
                node: accused, incarnation: 1, source: MembershipTestNetwork.nodeID(accuser))
            return core.handle(
                .received(GossipDatagram(probe: nil, updates: [update]), from: MembershipTestNetwork.address(accuser)),
                now: Instant.zero.advanced(byTicks: second))
        }
        let configuration = core.configuration
        let floor = SuspicionTimer.timeoutTicksMin(
            multiplier: configuration.suspicionMultiplier, memberCount: 20,
            probeIntervalTicks: configuration.probeIntervalTicks)
        let start = Instant.zero.advanced(byTicks: second)
        _ = accuse(by: 1)
        let lone = core.suspicions[accused]?.deadline
        #expect(lone == start.advanced(byTicks: floor * Int64(configuration.suspicionMaxTimeoutMultiplier)))
        #expect(accuse(by: 1).isEmpty)
        let confirmed = accuse(by: 2)
        #expect(core.suspicions[accused]?.deadline == start.advanced(byTicks: floor))
        #expect(confirmed.contains(.setTimer(.suspicionEnded(accused), at: start.advanced(byTicks: floor))))
    }

    // Goal: compound datagrams carry as many updates as fit and never exceed the limit. Method: a core that learned
    // 60 members (60 large alive updates queued) answers a ping; the ack datagram is within datagramBytesMax, full
    // to within one update, and decodes.
    @Test("compound datagrams fill up to the size limit")
    func compoundDatagrams() throws {
        var core = MembershipCore(metadata: MembershipTestNetwork.metadata(index: 0, version: 1), seed: 2)
        _ = core.handle(.started(seeds: []), now: .zero)
        for index in 1...60 {
            let update = MemberUpdate.alive(
                incarnation: 1, metadata: MembershipTestNetwork.metadata(index: index, version: 1))
            _ = core.handle(
                .received(GossipDatagram(probe: nil, updates: [update]), from: MembershipTestNetwork.address(99)),
                now: .zero)
        }
        let ping = GossipDatagram(probe: .ping(sequence: 5, source: NodeID(2), target: core.localNode))
        let effects = core.handle(.received(ping, from: MembershipTestNetwork.address(1)), now: .zero)
        guard case .send(let bytes, let target) = effects.first else {
            Issue.record("no ack sent")
            return
        }
        #expect(target == MembershipTestNetwork.address(1))
        let limit = core.configuration.datagramBytesMax
        let datagram = try GossipCodec.decodeDatagram(bytes, bytesMax: limit)
        #expect(bytes.count <= limit)
        #expect(bytes.count + GossipCodec.encodedByteCount(datagram.updates[0]) > limit)
        #expect(datagram.updates.count > 5)
    }
}
