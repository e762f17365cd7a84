// The SWIM + Lifeguard membership state machine (Das et al. 2002; Dadgar et al. 2018): events and `now` in, effects
// out, seeded randomness inside, no clock and no socket. Probing is in +Probe, the status rules in +Updates, and
// dissemination, push-pull, join, leave and reaping in +Gossip.
public import Primitives

/// One node's view of the region's members, driven by events.
///
/// The driver MUST feed `started` first, then every decoded datagram, fired timer and push-pull outcome, with a
/// `now` that never goes back; it carries out the returned effects in order.
public struct MembershipCore: Sendable {
    /// Something that happened to this node.
    public enum Event: Sendable {
        /// The node starts and joins through `seeds` (none: it founds the region). Any seed may be down.
        case started(seeds: [GossipAddress])
        /// A datagram arrived and decoded.
        case received(GossipDatagram, from: GossipAddress)
        /// A timer set by a `setTimer` effect came due.
        case timerFired(MembershipTimer)
        /// A member opened a push-pull exchange and sent its state; the core answers with `answerPushPull`.
        case pushPullOpened(PushPullState, by: GossipAddress)
        /// The member an `openPushPull` went to answered with its state.
        case pushPullAnswered(PushPullState, from: GossipAddress)
        /// An `openPushPull` to this address failed (refused, timed out, or the stream did not decode).
        case pushPullFailed(GossipAddress)
        /// The operator asked this node to leave the region gracefully.
        case leaveRequested
        /// This node's metadata changed (free space, version, addresses); it spreads with a new incarnation.
        case metadataChanged(MemberMetadata)
        /// Vivaldi moved this node's coordinate; acks carry the new one from now on.
        case coordinateChanged(ProbeCoordinate)
    }

    /// Something the driver must do.
    public enum Effect: Hashable, Sendable {
        /// Send these encoded datagram bytes (at most `datagramBytesMax`) to the address.
        case send([UInt8], to: GossipAddress)
        /// Open a push-pull stream to the address and send this state; the answer comes back as an event.
        case openPushPull(with: GossipAddress, state: PushPullState)
        /// Answer a push-pull the address opened with this state.
        case answerPushPull(to: GossipAddress, state: PushPullState)
        /// Fire the timer at this instant (there is no cancel; stale timers are ignored).
        case setTimer(MembershipTimer, at: Instant)
        /// The member list changed.
        case memberChanged(MemberChange)
        /// A direct probe of the member came back after this many ticks, carrying its coordinate (Vivaldi's input).
        case roundTripMeasured(NodeID, ticks: Int64, coordinate: ProbeCoordinate)
    }

    /// The probe this node has in flight (SWIM §3.1: one per protocol period).
    struct PendingProbe: Sendable {
        var sequence: UInt32
        var target: NodeID
        var targetAddress: GossipAddress
        var sentAt: Instant
        var isIndirect = false
        var nacksExpected = 0
        var nacksReceived = 0
    }

    /// A member picked at random to send to: its id and gossip address, not a copy of its row.
    struct PickedMember: Sendable {
        var nodeID: NodeID
        var address: GossipAddress
    }

    /// A ping this node sent on behalf of another member's ping-req.
    struct Relay: Sendable {
        var requester: GossipAddress
        var requesterSequence: UInt32
    }

    /// Most ping-reqs relayed at once; more are dropped (a bound on state a hostile sender can make us hold).
    static let relaysMax = 64

    /// The configuration, fixed for the core's life.
    public let configuration: MembershipConfiguration
    /// This node's id.
    public let localNode: NodeID
    /// Every member known, this node included, dead and left ones until reaped (built on each read: the core's
    /// own reads go through `member(_:)` and the table).
    public var members: [NodeID: MemberState] {
        Dictionary(uniqueKeysWithValues: table.rows.lazy.map { ($0.nodeID, $0) })
    }
    /// Every member's row, in no particular order.
    public var memberStates: [MemberState] { table.rows }
    /// Lifeguard's local health multiplier (IV.C).
    public internal(set) var localHealth: LocalHealth
    /// Updates waiting to be piggybacked.
    public internal(set) var broadcasts: BroadcastQueue
    /// Open suspicions and their deadlines.
    public internal(set) var suspicions: [NodeID: SuspicionTimer] = [:]
    /// Whether a seed (or a push-pull answer) has been heard since `started`.
    public internal(set) var isJoined = false
    /// Whether `leaveRequested` was handled: the node no longer probes and never refutes.
    public internal(set) var hasLeft = false
    /// Push-pull exchanges that failed, for metrics.
    public internal(set) var pushPullFailureCount = 0

    /// Members alive or suspect, this node included, kept by `store` and `forget` (read on every datagram).
    private(set) var activeCount = 0
    /// Members dead (not left), kept by `store` and `forget` (read on every push-pull tick).
    private(set) var deadCount = 0
    /// Every member's id, sorted, kept by `store` and `forget`: random picks index it instead of sorting. Ids
    /// learned since the last read wait in `newMemberIDs` and are merged in once (a push-pull brings thousands).
    private var sortedMemberIDs: [NodeID] = []
    private var newMemberIDs: [NodeID] = []
    /// `localState`'s rows until a row changes, so push-pulls between changes share one array.
    private var pushPullRows: [PushPullMember]?
    var table = MemberTable()
    var random: SeededRandom
    var coordinate = ProbeCoordinate.empty
    var nextSequence: UInt32 = 0
    var pendingProbe: PendingProbe?
    var relays: [UInt32: Relay] = [:]
    var probeOrder: [NodeID] = []
    var probeIndex = 0
    var seeds: [GossipAddress] = []
    var joinRetryTicks: Int64 = 0
    /// The gossip timer's grid: it fires at this instant plus whole gossip intervals (nil before the start).
    var gossipGrid: Instant?
    /// When the pending gossip timer fires; nil while none is pending (nothing was queued at the last one).
    var gossipDue: Instant?

    /// Makes a core for the node `metadata` describes, with randomness fixed by `seed` (drawn by the caller from its
    /// injected source, so a simulated run replays).
    public init(metadata: MemberMetadata, configuration: MembershipConfiguration = .init(), seed: UInt64) {
        configuration.validate()
        self.configuration = configuration
        localNode = metadata.nodeID
        localHealth = LocalHealth(awarenessMax: configuration.awarenessMax)
        broadcasts = BroadcastQueue(entriesMax: configuration.broadcastQueueMax)
        random = SeededRandom(seed: seed)
        store(MemberState(metadata: metadata, status: .alive, incarnation: 1, statusChangedAt: .zero))
    }

    /// This node's own row.
    public var localMember: MemberState {
        guard let member = table[localNode] else { preconditionFailure("the local member is never removed") }
        return member
    }

    /// The row of `node`, nil if this node does not know it.
    public func member(_ node: NodeID) -> MemberState? { table[node] }

    /// Members that are alive or suspect, this node included: SWIM's n.
    public var activeMemberCount: Int {
        assert(activeCount == table.rows.count { $0.status.isActive }, "the active count drifted")
        assert(deadCount == table.rows.count { $0.status == .dead }, "the dead count drifted")
        return activeCount
    }

    /// Writes a member's row, keeping the active count and the sorted ids in step: every row change goes here.
    mutating func store(_ member: MemberState) {
        let node = member.nodeID
        if let row = table.index(of: node) {
            let status = table.rows[row].status
            if status.isActive != member.status.isActive { activeCount += member.status.isActive ? 1 : -1 }
            if status == .dead { deadCount -= 1 }
            if member.status == .dead { deadCount += 1 }
            table.replace(at: row, with: member)
        } else {
            if member.status.isActive { activeCount += 1 }
            if member.status == .dead { deadCount += 1 }
            newMemberIDs.append(node)
            table.insert(member)
        }
        pushPullRows = nil
    }

    /// Sets a member's incarnation without a status change (a confirmed suspicion), keeping the rows in step.
    mutating func storeIncarnation(_ incarnation: UInt64, of node: NodeID) {
        guard let row = table.index(of: node) else { return }
        table.setIncarnation(incarnation, at: row)
        pushPullRows = nil
    }

    /// Every member's id, sorted.
    var memberIDs: [NodeID] {
        mutating get {
            if !newMemberIDs.isEmpty { mergeNewMemberIDs() }
            return sortedMemberIDs
        }
    }

    /// The push-pull rows of every member, sorted by id, at most `PushPullState.membersMax`; shared until a row
    /// changes.
    var memberRows: [PushPullMember] {
        mutating get {
            if let pushPullRows { return pushPullRows }
            let rows = memberIDs.prefix(PushPullState.membersMax).compactMap { node in
                table.index(of: node).map { row in
                    let member = table.rows[row]
                    return PushPullMember(
                        metadata: member.metadata, status: member.status, incarnation: member.incarnation)
                }
            }
            pushPullRows = rows
            return rows
        }
    }

    private mutating func mergeNewMemberIDs() {
        newMemberIDs.sort()
        var merged: [NodeID] = []
        merged.reserveCapacity(sortedMemberIDs.count + newMemberIDs.count)
        var old = 0
        for node in newMemberIDs {
            while old < sortedMemberIDs.count, sortedMemberIDs[old] < node {
                merged.append(sortedMemberIDs[old])
                old += 1
            }
            merged.append(node)
        }
        merged.append(contentsOf: sortedMemberIDs[old...])
        sortedMemberIDs = merged
        newMemberIDs.removeAll(keepingCapacity: true)
    }

    /// Removes a member's row (a reaped one), keeping the count and ids in step.
    mutating func forget(_ node: NodeID) {
        guard let existing = table.remove(node) else { return }
        if existing.status.isActive { activeCount -= 1 }
        if existing.status == .dead { deadCount -= 1 }
        pushPullRows = nil
        if !newMemberIDs.isEmpty { mergeNewMemberIDs() }
        let index = sortedMemberIDs.partitioningIndex { $0 >= node }
        if index < sortedMemberIDs.count, sortedMemberIDs[index] == node { sortedMemberIDs.remove(at: index) }
    }

    /// Up to `count` distinct random members other than this node that satisfy `isWanted`, drawn by random index
    /// into the sorted ids with at most 3n tries (memberlist's kRandomNodes), so no pick sorts the member list.
    mutating func randomMembers(count: Int, where isWanted: (MemberState) -> Bool) -> [PickedMember] {
        var picked: [PickedMember] = []
        let ids = memberIDs
        let total = ids.count
        guard count > 0, total > 1 else { return picked }
        var tries = 0
        while picked.count < count, tries < 3 * total {
            tries += 1
            let node = ids[randomIndex(below: total)]
            guard node != localNode, let row = table.index(of: node), isWanted(table.rows[row]),
                !picked.contains(where: { $0.nodeID == node })
            else { continue }
            picked.append(PickedMember(nodeID: node, address: table.rows[row].metadata.gossipAddress))
        }
        return picked
    }

    /// Handles one event at `now` and returns what the driver must do, in order.
    public mutating func handle(_ event: Event, now: Instant) -> [Effect] {
        var effects: [Effect] = []
        switch event {
        case .started(let seeds):
            start(seeds: seeds, now: now, effects: &effects)
        case .received(let datagram, let sender):
            for index in datagram.updates.indices { apply(datagram.updates[index], now: now, effects: &effects) }
            if let probe = datagram.probe { handleProbe(probe, from: sender, now: now, effects: &effects) }
        case .timerFired(let timer):
            fire(timer, now: now, effects: &effects)
        case .pushPullOpened(let state, let sender):
            merge(state, now: now, effects: &effects)
            effects.append(.answerPushPull(to: sender, state: localState(isJoin: false)))
        case .pushPullAnswered(let state, _):
            isJoined = true
            merge(state, now: now, effects: &effects)
        case .pushPullFailed:
            pushPullFailureCount += 1
        case .leaveRequested:
            leave(now: now, effects: &effects)
        case .metadataChanged(let metadata):
            changeMetadata(metadata, effects: &effects)
        case .coordinateChanged(let coordinate):
            self.coordinate = coordinate
        }
        armGossipIfQueued(now: now, effects: &effects)
        return effects
    }

    private mutating func fire(_ timer: MembershipTimer, now: Instant, effects: inout [Effect]) {
        switch timer {
        case .probe: probeNext(now: now, effects: &effects)
        case .probeTimedOut(let sequence): probeTimedOut(sequence: sequence, now: now, effects: &effects)
        case .probeFailed(let sequence): probeFailed(sequence: sequence, now: now, effects: &effects)
        case .relayTimedOut(let sequence): relayTimedOut(sequence: sequence, effects: &effects)
        case .suspicionEnded(let node): suspicionEnded(node, now: now, effects: &effects)
        case .gossip: gossip(now: now, effects: &effects)
        case .pushPull: pushPullTick(now: now, effects: &effects)
        case .joinRetry: joinRetry(now: now, effects: &effects)
        case .reap(let node): reap(node, now: now, effects: &effects)
        }
    }

    /// Draws a uniform index below `bound`.
    mutating func randomIndex(below bound: Int) -> Int {
        precondition(bound > 0, "no index below zero")
        return Int(random.next() % UInt64(bound))
    }

    /// The next probe or relay sequence number.
    mutating func makeSequence() -> UInt32 {
        nextSequence &+= 1
        return nextSequence
    }
}
