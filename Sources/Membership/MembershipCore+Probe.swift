// Failure detection: one probe per protocol period in shuffled round-robin order (SWIM §4.3), a direct ping, then k
// ping-reqs (SWIM §3.1) with nacks (Lifeguard IV.B), then suspicion; health-scaled timings (Lifeguard IV.C).
import Primitives

extension MembershipCore {
    // MARK: - The prober's side

    /// Starts the next protocol period: settles the previous probe, picks the next target and pings it.
    mutating func probeNext(now: Instant, effects: inout [Effect]) {
        guard !hasLeft else { return }
        if let pending = pendingProbe { probeFailed(sequence: pending.sequence, now: now, effects: &effects) }
        let periodTicks = localHealth.scaled(configuration.probeIntervalTicks)
        effects.append(.setTimer(.probe, at: now.advanced(byTicks: periodTicks)))
        guard let target = nextProbeTarget(), let row = table.index(of: target) else { return }
        let address = table.rows[row].metadata.gossipAddress
        let sequence = makeSequence()
        pendingProbe = PendingProbe(sequence: sequence, target: target, targetAddress: address, sentAt: now)
        let ping = ProbeMessage.ping(sequence: sequence, source: localNode, target: target)
        effects.append(.send(makeDatagram(ping, about: target), to: address))
        let timeoutTicks = localHealth.scaled(configuration.probeTimeoutTicks)
        effects.append(.setTimer(.probeTimedOut(sequence: sequence), at: now.advanced(byTicks: timeoutTicks)))
        effects.append(.setTimer(.probeFailed(sequence: sequence), at: now.advanced(byTicks: periodTicks)))
    }

    /// The next active member in the shuffled round-robin order, reshuffled at the end of each round (SWIM §4.3:
    /// every member is probed within n periods however the order falls).
    private mutating func nextProbeTarget() -> NodeID? {
        for _ in 0...probeOrder.count + 1 {
            if probeIndex >= probeOrder.count {
                // Reads the rows in place (a filter would copy each one) into the reused order.
                probeOrder.removeAll(keepingCapacity: true)
                for row in table.rows.indices
                where table.rows[row].status.isActive && table.rows[row].nodeID != localNode {
                    probeOrder.append(table.rows[row].nodeID)
                }
                probeOrder.sort()
                probeOrder.shuffle(using: &random)
                probeIndex = 0
                if probeOrder.isEmpty { return nil }
            }
            let candidate = probeOrder[probeIndex]
            probeIndex += 1
            if let row = table.index(of: candidate), table.rows[row].status.isActive, candidate != localNode {
                return candidate
            }
        }
        return nil
    }

    /// Inserts a newly learned member at a random place in the current round (memberlist does the same), so it is
    /// probed within this round or the next.
    mutating func addToProbeOrder(_ node: NodeID) {
        let index = probeIndex + randomIndex(below: probeOrder.count - probeIndex + 1)
        probeOrder.insert(node, at: index)
    }

    /// The direct ping went unanswered: ask k random members to probe the target, each to nack if it cannot.
    mutating func probeTimedOut(sequence: UInt32, now: Instant, effects: inout [Effect]) {
        guard var pending = pendingProbe, pending.sequence == sequence, !pending.isIndirect else { return }
        let helpers = randomActiveMembers(count: configuration.indirectProbeCount, excluding: [pending.target])
        let request = ProbeMessage.pingRequest(
            sequence: sequence, source: localNode, target: pending.target, targetAddress: pending.targetAddress)
        for helper in helpers {
            effects.append(.send(makeDatagram(request, about: pending.target), to: helper.address))
        }
        pending.isIndirect = true
        pending.nacksExpected = helpers.count
        pendingProbe = pending
    }

    /// The protocol period ended with no ack: lower local health by the nacks that did not come (Lifeguard IV.B,
    /// memberlist's probeNode), and suspect the target.
    mutating func probeFailed(sequence: UInt32, now: Instant, effects: inout [Effect]) {
        guard let pending = pendingProbe, pending.sequence == sequence else { return }
        pendingProbe = nil
        if pending.nacksExpected > 0 {
            localHealth.apply(max(pending.nacksExpected - pending.nacksReceived, 0))
        } else {
            localHealth.apply(1)
        }
        guard let member = table[pending.target], member.status.isActive else { return }
        apply(
            .suspect(node: pending.target, incarnation: member.incarnation, source: localNode), now: now,
            effects: &effects)
    }

    // MARK: - Answering and relaying

    /// Answers pings, relays ping-reqs, and matches acks and nacks to the probe or relay they answer.
    mutating func handleProbe(_ probe: ProbeMessage, from sender: GossipAddress, now: Instant, effects: inout [Effect])
    {
        switch probe {
        case .ping(let sequence, let source, let target):
            guard target == localNode else { return }
            let ack = ProbeMessage.ack(sequence: sequence, source: localNode, coordinate: coordinate)
            effects.append(.send(makeDatagram(ack, about: source), to: sender))
        case .pingRequest(let sequence, _, let target, let targetAddress):
            guard relays.count < Self.relaysMax else { return }
            let relaySequence = makeSequence()
            relays[relaySequence] = Relay(requester: sender, requesterSequence: sequence)
            let ping = ProbeMessage.ping(sequence: relaySequence, source: localNode, target: target)
            effects.append(.send(makeDatagram(ping, about: target), to: targetAddress))
            effects.append(
                .setTimer(
                    .relayTimedOut(sequence: relaySequence),
                    at: now.advanced(byTicks: configuration.probeTimeoutTicks)))
        case .ack(let sequence, let source, let coordinate):
            if let relay = relays.removeValue(forKey: sequence) {
                let forwarded = ProbeMessage.ack(
                    sequence: relay.requesterSequence, source: source, coordinate: coordinate)
                effects.append(.send(makeDatagram(forwarded, about: nil), to: relay.requester))
            } else if let pending = pendingProbe, pending.sequence == sequence, source == pending.target {
                pendingProbe = nil
                localHealth.apply(-1)
                if sender == pending.targetAddress {
                    let ticks = now.ticks(since: pending.sentAt)
                    effects.append(.roundTripMeasured(source, ticks: ticks, coordinate: coordinate))
                }
            }
        case .nack(let sequence, _):
            if var pending = pendingProbe, pending.sequence == sequence, pending.isIndirect {
                pending.nacksReceived = min(pending.nacksReceived + 1, pending.nacksExpected)
                pendingProbe = pending
            }
        }
    }

    /// The target of a relayed ping did not answer in time: tell the requester so it blames the target and not
    /// its own health (Lifeguard IV.B).
    mutating func relayTimedOut(sequence: UInt32, effects: inout [Effect]) {
        guard let relay = relays.removeValue(forKey: sequence) else { return }
        let nack = ProbeMessage.nack(sequence: relay.requesterSequence, source: localNode)
        effects.append(.send(makeDatagram(nack, about: nil), to: relay.requester))
    }

    /// Up to `count` distinct random active members other than this node and `excluded`.
    mutating func randomActiveMembers(count: Int, excluding excluded: Set<NodeID>) -> [PickedMember] {
        randomMembers(count: count) { $0.status.isActive && !excluded.contains($0.nodeID) }
    }
}
