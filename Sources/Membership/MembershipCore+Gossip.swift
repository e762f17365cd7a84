// Dissemination and the member list's life cycle: piggybacking with a retransmit limit (SWIM §4.1), the gossip timer,
// push-pull full-state sync, joining through seeds with capped backoff, graceful leave, metadata changes, reaping.
import Primitives

extension MembershipCore {
    // MARK: - Datagrams

    /// Encodes `probe` with as many queued updates as fit under `datagramBytesMax`, updates about `target` first
    /// (Lifeguard IV.D, the buddy system: a suspected member hears of it on the very probe that may refute it).
    mutating func makeDatagram(_ probe: ProbeMessage?, about target: NodeID?) -> [UInt8] {
        let bytesMax = configuration.datagramBytesMax
        let transmitLimit = retransmitLimit
        // The queue copies each update's encoding made at enqueue; the writer stands after the header and probe,
        // so the budget is what `encodedByteCount(probe:)` leaves.
        let bytes = GossipCodec.encode(probe: probe, capacity: bytesMax) { writer in
            broadcasts.take(
                into: &writer, byteBudget: bytesMax - writer.count, countMax: GossipDatagram.updatesMax,
                transmitLimit: transmitLimit, first: target)
        }
        precondition(bytes.count <= bytesMax, "a datagram outgrew datagramBytesMax")
        return bytes
    }

    /// Sends per update: `retransmitMultiplier × ceil(log10(n + 1))` (memberlist's retransmitLimit), computed on
    /// integers so a power of ten never rounds the wrong way.
    var retransmitLimit: Int {
        let memberCount = activeMemberCount
        var digits = 0
        var power = 1
        while power < memberCount + 1 {
            power *= 10
            digits += 1
        }
        return configuration.retransmitMultiplier * max(digits, 1)
    }

    /// Sends queued updates on their own to `gossipFanout` random members, and to members dead for less than
    /// `gossipToTheDeadTicks`, so a paused member learns it was declared dead and refutes. The timer runs only while
    /// something is queued: a region at rest does not wake every node five times a second for nothing.
    mutating func gossip(now: Instant, effects: inout [Effect]) {
        gossipGrid = now
        gossipDue = nil
        defer { armGossipIfQueued(now: now, effects: &effects) }
        guard !broadcasts.isEmpty else { return }
        let deadTicksMax = configuration.gossipToTheDeadTicks
        let targets = randomMembers(count: configuration.gossipFanout) { member in
            member.status.isActive
                || (member.status == .dead && now.ticks(since: member.statusChangedAt) < deadTicksMax)
        }
        for member in targets {
            guard !broadcasts.isEmpty else { return }
            effects.append(.send(makeDatagram(nil, about: member.nodeID), to: member.address))
        }
    }

    /// Sets the gossip timer at the grid's next instant after `now` if updates wait and none is pending; called
    /// after every event, so a queued update never waits for a timer that is not set.
    mutating func armGossipIfQueued(now: Instant, effects: inout [Effect]) {
        guard gossipDue == nil, let grid = gossipGrid, !broadcasts.isEmpty else { return }
        let interval = configuration.gossipIntervalTicks
        let due = grid.advanced(byTicks: (max(now.ticks(since: grid), 0) / interval + 1) * interval)
        gossipDue = due
        effects.append(.setTimer(.gossip, at: due))
    }

    // MARK: - Push-pull and join

    /// Joins: pushes this node's state to every seed (all of them: any may be down) and retries with capped backoff
    /// until one answers; starts the probe, gossip and push-pull timers with seeded jitter so nodes started together
    /// do not probe in lockstep.
    mutating func start(seeds: [GossipAddress], now: Instant, effects: inout [Effect]) {
        let ownAddress = localMember.metadata.gossipAddress
        self.seeds = Array(Set(seeds.filter { $0 != ownAddress })).sorted()
        broadcasts.enqueue(.alive(incarnation: localMember.incarnation, metadata: localMember.metadata))
        let probeJitter = Int64(randomIndex(below: Int(configuration.probeIntervalTicks)))
        effects.append(.setTimer(.probe, at: now.advanced(byTicks: probeJitter)))
        gossipGrid = now
        let pushPullJitter = Int64(randomIndex(below: Int(configuration.pushPullIntervalTicks)))
        effects.append(
            .setTimer(.pushPull, at: now.advanced(byTicks: configuration.pushPullIntervalTicks + pushPullJitter)))
        guard !self.seeds.isEmpty else {
            isJoined = true
            return
        }
        joinRetryTicks = configuration.joinRetryTicksMin
        joinRetry(now: now, effects: &effects)
    }

    /// Opens a join push-pull with every seed while none has answered, doubling the wait up to its max.
    mutating func joinRetry(now: Instant, effects: inout [Effect]) {
        guard !isJoined, !hasLeft else { return }
        let state = localState(isJoin: true)
        for seed in seeds { effects.append(.openPushPull(with: seed, state: state)) }
        effects.append(.setTimer(.joinRetry, at: now.advanced(byTicks: joinRetryTicks)))
        joinRetryTicks = min(joinRetryTicks * 2, configuration.joinRetryTicksMax)
    }

    /// The periodic anti-entropy exchange with one random active member, at an interval that grows with the
    /// region (memberlist's pushPullScale), plus a reconnect attempt to a dead member with probability
    /// dead / active (Serf's reconnect): after a partition longer than `gossipToTheDeadTicks`, that is what lets
    /// the two sides find each other again.
    mutating func pushPullTick(now: Instant, effects: inout [Effect]) {
        let intervalTicks = Self.pushPullScaled(configuration.pushPullIntervalTicks, memberCount: activeMemberCount)
        effects.append(.setTimer(.pushPull, at: now.advanced(byTicks: intervalTicks)))
        guard !hasLeft else { return }
        if let peer = randomActiveMembers(count: 1, excluding: []).first {
            effects.append(.openPushPull(with: peer.address, state: localState(isJoin: false)))
        }
        guard deadCount > 0, randomIndex(below: max(activeCount, deadCount)) < deadCount,
            let lost = randomMembers(count: 1, where: { $0.status == .dead }).first
        else { return }
        effects.append(.openPushPull(with: lost.address, state: localState(isJoin: false)))
    }

    /// memberlist's pushPullScale: the interval as is up to 32 members, then times ceil(log2(n) − log2(32)) + 1,
    /// so the region's push-pull load grows with n log n rather than n² (2,000 members: ×7).
    static func pushPullScaled(_ intervalTicks: Int64, memberCount: Int) -> Int64 {
        let threshold = 32
        guard memberCount > threshold else { return intervalTicks }
        let ceilingLog2 = Int.bitWidth - (memberCount - 1).leadingZeroBitCount
        return intervalTicks * Int64(ceilingLog2 - threshold.trailingZeroBitCount + 1)
    }

    /// Every member this node knows, sorted by id, at most `PushPullState.membersMax`.
    mutating func localState(isJoin: Bool) -> PushPullState {
        PushPullState(source: localNode, isJoin: isJoin, members: memberRows)
    }

    /// Merges a remote state: its dead members become suspects here rather than dead at once (memberlist's
    /// mergeState), so one stale peer cannot kill a live member; left stays left.
    mutating func merge(_ state: PushPullState, now: Instant, effects: inout [Effect]) {
        // By index, alive rows straight to applyAlive: a row is read in place, not copied (most rows are news
        // already known, dropped after one comparison).
        for index in state.members.indices {
            let incarnation = state.members[index].incarnation
            let node = state.members[index].metadata.nodeID
            switch state.members[index].status {
            case .alive:
                applyAlive(
                    incarnation: incarnation, metadata: state.members[index].metadata, now: now, effects: &effects)
            case .suspect, .dead:
                apply(.suspect(node: node, incarnation: incarnation, source: state.source), now: now, effects: &effects)
            case .left:
                apply(.left(node: node, incarnation: incarnation), now: now, effects: &effects)
            }
        }
    }

    // MARK: - Leave, metadata, reaping

    /// Leaves gracefully: marks this node left, and sends the news at once to `gossipFanout` members; the gossip
    /// timer keeps spreading it until the driver stops the node. Probing stops and refutation is off.
    mutating func leave(now: Instant, effects: inout [Effect]) {
        guard !hasLeft else { return }
        hasLeft = true
        pendingProbe = nil
        var local = localMember
        local.status = .left
        local.statusChangedAt = now
        store(local)
        broadcasts.enqueue(.left(node: localNode, incarnation: local.incarnation))
        effects.append(.memberChanged(.statusChanged(localNode, .left, incarnation: local.incarnation)))
        for member in randomActiveMembers(count: configuration.gossipFanout, excluding: []) {
            effects.append(.send(makeDatagram(nil, about: member.nodeID), to: member.address))
        }
    }

    /// Publishes new metadata for this node with a new incarnation, so the alive update supersedes the old one.
    mutating func changeMetadata(_ metadata: MemberMetadata, effects: inout [Effect]) {
        precondition(metadata.nodeID == localNode, "a node changes only its own metadata")
        var local = localMember
        guard metadata != local.metadata, !hasLeft else { return }
        local.metadata = metadata
        local.incarnation += 1
        store(local)
        broadcasts.enqueue(.alive(incarnation: local.incarnation, metadata: metadata))
        effects.append(.memberChanged(.metadataChanged(metadata)))
    }

    /// Forgets a member dead or left for `reapAfterTicks`.
    mutating func reap(_ node: NodeID, now: Instant, effects: inout [Effect]) {
        guard node != localNode, let member = table[node], !member.status.isActive,
            now.ticks(since: member.statusChangedAt) >= configuration.reapAfterTicks
        else { return }
        forget(node)
        suspicions[node] = nil
        broadcasts.remove(about: node)
        effects.append(.memberChanged(.reaped(node)))
    }
}
