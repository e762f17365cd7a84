// The timers the core asks its driver to set. There is no cancel: a timer that fires after its reason went away
// (an ack arrived, a suspicion was refuted) is recognised as stale by the core and ignored.
public import Primitives

/// A timer the core set; the driver hands it back in `Event.timerFired` at its instant.
public enum MembershipTimer: Hashable, Sendable {
    /// The next protocol period: probe the next member (SWIM §4.3).
    case probe
    /// The direct ping with this sequence got no ack in the probe timeout: ask for indirect probes (SWIM §3.1).
    case probeTimedOut(sequence: UInt32)
    /// The protocol period of the probe with this sequence ended: suspect its target if nothing acked it.
    case probeFailed(sequence: UInt32)
    /// The ping this node sent for someone's ping-req (with this local sequence) got no ack: send a nack
    /// (Lifeguard IV.B).
    case relayTimedOut(sequence: UInt32)
    /// A suspicion of this member may have reached its deadline (Lifeguard IV.A).
    case suspicionEnded(NodeID)
    /// Send queued updates to a few random members.
    case gossip
    /// Run a push-pull with a random member.
    case pushPull
    /// No seed has answered the join yet: try them all again.
    case joinRetry
    /// A dead or left member may be due to be forgotten.
    case reap(NodeID)
}
