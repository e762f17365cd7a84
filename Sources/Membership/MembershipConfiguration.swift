// The membership protocol's knobs, in ticks (Instant's microseconds), with memberlist's LAN defaults and ours side by
// side so the bench can run both (issue 11, "Figures"). Lifeguard's names: Dadgar et al. 2018, §IV.
import Primitives

/// Timings, fan-outs and limits of SWIM + Lifeguard.
public struct MembershipConfiguration: Hashable, Sendable {
    /// The protocol period: one probe per period at full health (SWIM §3.1); scaled by the local health multiplier.
    public var probeIntervalTicks: Int64
    /// How long a direct ping waits for its ack before ping-reqs go out; scaled by the local health multiplier.
    public var probeTimeoutTicks: Int64
    /// k, the members asked to probe indirectly after a direct probe fails (SWIM §3.1).
    public var indirectProbeCount: Int
    /// An update is sent `retransmitMultiplier × ceil(log10(n + 1))` times (memberlist's RetransmitMult).
    public var retransmitMultiplier: Int
    /// The suspicion timeout's floor is `suspicionMultiplier × max(1, log10(n)) × probeInterval` (Lifeguard IV.A).
    public var suspicionMultiplier: Int
    /// The suspicion timeout starts at `suspicionMaxTimeoutMultiplier ×` its floor (Lifeguard IV.A).
    public var suspicionMaxTimeoutMultiplier: Int
    /// k, the independent confirmations that shrink a suspicion's timeout from its start to its floor (Lifeguard
    /// IV.A); memberlist ties it to `suspicionMultiplier − 2`.
    public var suspicionConfirmations: Int
    /// The local health multiplier's range: the score runs 0 … `awarenessMax − 1` and intervals are multiplied by
    /// score + 1 (Lifeguard IV.C; memberlist's AwarenessMaxMultiplier).
    public var awarenessMax: Int
    /// How often queued updates are sent on their own to `gossipFanout` random members (memberlist's gossip timer).
    public var gossipIntervalTicks: Int64
    /// Members each gossip round sends to.
    public var gossipFanout: Int
    /// How long a member declared dead still receives gossip, so a member that was only paused learns it was
    /// declared dead and refutes (memberlist's GossipToTheDeadTime).
    public var gossipToTheDeadTicks: Int64
    /// How often a full-state push-pull runs with one random member.
    public var pushPullIntervalTicks: Int64
    /// How long a dead or left member stays in the list (and in push-pull states) before it is forgotten.
    public var reapAfterTicks: Int64
    /// The first wait before a join is retried while no seed has answered; doubled per attempt up to the max.
    public var joinRetryTicksMin: Int64
    /// The longest wait between join attempts.
    public var joinRetryTicksMax: Int64
    /// Largest datagram sent or accepted, in bytes (plaintext; at least `GossipCodec.datagramBytesMin`).
    public var datagramBytesMax: Int
    /// Most updates queued for dissemination; past it the most-sent ones are dropped (push-pull repairs them).
    public var broadcastQueueMax: Int

    /// Tessera's defaults: memberlist's LAN timings but a suspicion multiplier of 1 with one confirmation, updates
    /// retransmitted ×6, a 1 h reap, and memberlist's 1,400-byte datagram (under a 1,500-byte MTU with the AES-GCM
    /// envelope).
    ///
    /// The suspicion: memberlist's multiplier 4 puts the floor at 4 × log10(n) periods, 12 s at 1,000 nodes, so no
    /// crash is declared before 12 s; issue 11 asks for every node to know within 10 s (p99). Here the floor is
    /// 3 s at 1,000 nodes but is reached only once a second member has accused independently (k = 1): a crashed
    /// member is probed by someone about once a period, so the confirmation comes within seconds, while a lone
    /// false accusation (a lost ack) runs the full 6 × 3 = 18 s, time enough for the accused to refute. The
    /// retransmits: with memberlist's ×4, at 1,000 nodes and 5 % loss about one refutation an hour missed one member
    /// entirely (seen in the simulator), whose timer then declared the refuted member dead; ×6 makes a member's miss
    /// some e^-23 per update instead of e^-15, and `tessera bench membership` saw no false death. The reap: a
    /// dead node stays visible to operators and to placement's `down_out` long enough to be acted on (memberlist
    /// forgets after 30 s, Serf after 24 h).
    public init() {
        self = Self.memberlistLAN
        suspicionMultiplier = 1
        suspicionConfirmations = 1
        retransmitMultiplier = 6
        reapAfterTicks = 3_600 * Instant.ticksPerSecond
    }

    /// memberlist's DefaultLANConfig, the reference row of the membership bench (issue 11): 1 s period, 500 ms probe
    /// timeout, 3 indirect probes, retransmit ×4, suspicion ×4 and max ×6 with k = 4 − 2, awareness 8, 200 ms gossip
    /// to 3 members, gossip to the dead for 30 s, push-pull every 30 s, dead members forgotten after 30 s, 1,400-byte
    /// datagrams.
    public static let memberlistLAN = MembershipConfiguration(
        probeIntervalTicks: Instant.ticksPerSecond, probeTimeoutTicks: Instant.ticksPerSecond / 2,
        indirectProbeCount: 3, retransmitMultiplier: 4, suspicionMultiplier: 4, suspicionMaxTimeoutMultiplier: 6,
        suspicionConfirmations: 2, awarenessMax: 8, gossipIntervalTicks: Instant.ticksPerSecond / 5, gossipFanout: 3,
        gossipToTheDeadTicks: 30 * Instant.ticksPerSecond, pushPullIntervalTicks: 30 * Instant.ticksPerSecond,
        reapAfterTicks: 30 * Instant.ticksPerSecond,
        joinRetryTicksMin: Instant.ticksPerSecond, joinRetryTicksMax: 30 * Instant.ticksPerSecond,
        datagramBytesMax: 1_400, broadcastQueueMax: 1_024)

    /// Makes a configuration from every field.
    public init(
        probeIntervalTicks: Int64, probeTimeoutTicks: Int64, indirectProbeCount: Int, retransmitMultiplier: Int,
        suspicionMultiplier: Int, suspicionMaxTimeoutMultiplier: Int, suspicionConfirmations: Int, awarenessMax: Int,
        gossipIntervalTicks: Int64,
        gossipFanout: Int, gossipToTheDeadTicks: Int64, pushPullIntervalTicks: Int64, reapAfterTicks: Int64,
        joinRetryTicksMin: Int64,
        joinRetryTicksMax: Int64, datagramBytesMax: Int, broadcastQueueMax: Int
    ) {
        self.probeIntervalTicks = probeIntervalTicks
        self.probeTimeoutTicks = probeTimeoutTicks
        self.indirectProbeCount = indirectProbeCount
        self.retransmitMultiplier = retransmitMultiplier
        self.suspicionMultiplier = suspicionMultiplier
        self.suspicionMaxTimeoutMultiplier = suspicionMaxTimeoutMultiplier
        self.suspicionConfirmations = suspicionConfirmations
        self.awarenessMax = awarenessMax
        self.gossipIntervalTicks = gossipIntervalTicks
        self.gossipFanout = gossipFanout
        self.gossipToTheDeadTicks = gossipToTheDeadTicks
        self.pushPullIntervalTicks = pushPullIntervalTicks
        self.reapAfterTicks = reapAfterTicks
        self.joinRetryTicksMin = joinRetryTicksMin
        self.joinRetryTicksMax = joinRetryTicksMax
        self.datagramBytesMax = datagramBytesMax
        self.broadcastQueueMax = broadcastQueueMax
    }

    /// Checks the relations the core relies on; a violation is a programmer error in the caller's configuration code.
    func validate() {
        precondition(probeIntervalTicks > 0 && probeTimeoutTicks > 0, "probe interval and timeout must be positive")
        precondition(probeTimeoutTicks < probeIntervalTicks, "the probe timeout must be shorter than the interval")
        precondition(indirectProbeCount >= 0 && indirectProbeCount <= 16, "indirect probes must be 0 to 16")
        precondition(retransmitMultiplier >= 1 && suspicionMultiplier >= 1, "multipliers must be at least 1")
        precondition(suspicionMaxTimeoutMultiplier >= 1, "the max-timeout multiplier must be at least 1")
        precondition(suspicionConfirmations >= 0 && suspicionConfirmations <= 32, "confirmations must be 0 to 32")
        precondition(awarenessMax >= 1 && awarenessMax <= 64, "awarenessMax must be 1 to 64")
        precondition(gossipIntervalTicks > 0 && gossipFanout >= 0, "gossip interval must be positive")
        precondition(pushPullIntervalTicks > 0 && reapAfterTicks > 0, "push-pull and reap times must be positive")
        precondition(joinRetryTicksMin > 0 && joinRetryTicksMin <= joinRetryTicksMax, "join retry bounds are inverted")
        precondition(
            datagramBytesMax >= GossipCodec.datagramBytesMin && datagramBytesMax <= 65_507,
            "datagramBytesMax must be \(GossipCodec.datagramBytesMin) to 65,507")
        precondition(broadcastQueueMax >= 1, "the broadcast queue needs room for one update")
    }
}
