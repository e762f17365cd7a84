// The precedence rules for alive, suspect, dead and left with incarnations (SWIM §4.2, memberlist's aliveNode,
// suspectNode and deadNode), refutation by the member itself, and Lifeguard's confirmations of a suspicion (IV.A).
import Primitives

extension MembershipCore {
    /// Applies one update, from a datagram, a push-pull merge or this node's own probing.
    mutating func apply(_ update: MemberUpdate, now: Instant, effects: inout [Effect]) {
        switch update {
        case .alive(let incarnation, let metadata):
            applyAlive(incarnation: incarnation, metadata: metadata, now: now, effects: &effects)
        case .suspect(let node, let incarnation, let source):
            applySuspect(node, incarnation: incarnation, source: source, now: now, effects: &effects)
        case .dead(let node, let incarnation, _):
            applyDown(node, incarnation: incarnation, status: .dead, update: update, now: now, effects: &effects)
        case .left(let node, let incarnation):
            applyDown(node, incarnation: incarnation, status: .left, update: update, now: now, effects: &effects)
        }
    }

    /// Alive at incarnation i overrides anything at a lower incarnation; a member never seen joins.
    mutating func applyAlive(
        incarnation: UInt64, metadata: MemberMetadata, now: Instant, effects: inout [Effect]
    ) {
        let node = metadata.nodeID
        if node == localNode {
            // Someone holds a newer or different picture of this node (it restarted and lost its incarnation):
            // outbid it, as memberlist's refute does.
            let local = localMember
            if incarnation > local.incarnation || (incarnation == local.incarnation && metadata != local.metadata) {
                refute(above: incarnation, effects: &effects)
            }
            return
        }
        guard let (index, knownIncarnation) = table.indexAndIncarnation(of: node) else {
            let member = MemberState(metadata: metadata, status: .alive, incarnation: incarnation, statusChangedAt: now)
            store(member)
            addToProbeOrder(node)
            broadcasts.enqueue(.alive(incarnation: incarnation, metadata: metadata))
            effects.append(.memberChanged(.joined(member)))
            return
        }
        // Most alive news is old news (gossip and push-pull repeat it): compare in place, before copying the row.
        guard incarnation > knownIncarnation else { return }
        let existing = table.rows[index]
        var member = existing
        member.incarnation = incarnation
        member.metadata = metadata
        if existing.status != .alive {
            member.status = .alive
            member.statusChangedAt = now
            suspicions[node] = nil
            if !existing.status.isActive { addToProbeOrder(node) }
        }
        store(member)
        broadcasts.enqueue(.alive(incarnation: incarnation, metadata: metadata))
        if existing.status != .alive {
            effects.append(.memberChanged(.statusChanged(node, .alive, incarnation: incarnation)))
        }
        if existing.metadata != metadata { effects.append(.memberChanged(.metadataChanged(metadata))) }
    }

    /// Suspect at i overrides alive at i or lower; a further accuser of a suspect confirms it (Lifeguard IV.A).
    private mutating func applySuspect(
        _ node: NodeID, incarnation: UInt64, source: NodeID, now: Instant, effects: inout [Effect]
    ) {
        guard let existing = table[node], existing.status.isActive, incarnation >= existing.incarnation else {
            return
        }
        if node == localNode {
            guard !hasLeft else { return }
            localHealth.apply(1)  // Lifeguard IV.C: being suspected hints that this node is the slow one.
            refute(above: incarnation, effects: &effects)
            return
        }
        if existing.status == .suspect, var timer = suspicions[node] {
            storeIncarnation(incarnation, of: node)
            if timer.confirm(by: source) {
                suspicions[node] = timer
                broadcasts.enqueue(.suspect(node: node, incarnation: incarnation, source: source))
                effects.append(.setTimer(.suspicionEnded(node), at: timer.deadline))
            }
            return
        }
        var member = existing
        member.status = .suspect
        member.incarnation = incarnation
        member.statusChangedAt = now
        store(member)
        let timer = makeSuspicionTimer(accuser: source, now: now)
        suspicions[node] = timer
        broadcasts.enqueue(.suspect(node: node, incarnation: incarnation, source: source))
        effects.append(.memberChanged(.statusChanged(node, .suspect, incarnation: incarnation)))
        effects.append(.setTimer(.suspicionEnded(node), at: timer.deadline))
    }

    /// Dead or left at i overrides alive and suspect at i or lower; nothing overrides dead or left but a newer alive.
    private mutating func applyDown(
        _ node: NodeID, incarnation: UInt64, status: MemberStatus, update: MemberUpdate, now: Instant,
        effects: inout [Effect]
    ) {
        guard let existing = table[node], existing.status.isActive, incarnation >= existing.incarnation else {
            return
        }
        if node == localNode {
            guard !hasLeft else { return }
            refute(above: incarnation, effects: &effects)
            return
        }
        var member = existing
        member.status = status
        member.incarnation = incarnation
        member.statusChangedAt = now
        store(member)
        suspicions[node] = nil
        broadcasts.enqueue(update)
        effects.append(.memberChanged(.statusChanged(node, status, incarnation: incarnation)))
        effects.append(.setTimer(.reap(node), at: now.advanced(byTicks: configuration.reapAfterTicks)))
    }

    /// The suspicion deadline ended with no refutation: declare the member dead (SWIM §4.2).
    mutating func suspicionEnded(_ node: NodeID, now: Instant, effects: inout [Effect]) {
        guard let timer = suspicions[node], now >= timer.deadline, let member = table[node],
            member.status == .suspect
        else { return }
        apply(.dead(node: node, incarnation: member.incarnation, source: localNode), now: now, effects: &effects)
    }

    /// Refutes a suspicion or death notice about this node: an incarnation above `incarnation`, spread as alive.
    private mutating func refute(above incarnation: UInt64, effects: inout [Effect]) {
        guard var local = table[localNode] else { return }
        local.incarnation = max(local.incarnation, incarnation) + 1
        store(local)
        broadcasts.enqueue(.alive(incarnation: local.incarnation, metadata: local.metadata))
    }

    /// A new suspicion's timer: floor and start from the active member count, k = `suspicionConfirmations`, none
    /// when too few members could confirm (memberlist's suspectNode).
    private func makeSuspicionTimer(accuser: NodeID, now: Instant) -> SuspicionTimer {
        let memberCount = activeMemberCount
        let ticksMin = SuspicionTimer.timeoutTicksMin(
            multiplier: configuration.suspicionMultiplier, memberCount: memberCount,
            probeIntervalTicks: configuration.probeIntervalTicks)
        var expected = configuration.suspicionConfirmations
        if memberCount - 2 < expected { expected = 0 }
        return SuspicionTimer(
            startedAt: now, accuser: accuser, timeoutTicksMin: ticksMin,
            timeoutTicksMax: ticksMin * Int64(configuration.suspicionMaxTimeoutMultiplier),
            confirmationsExpected: expected)
    }
}
