// The failure detector's messages (SWIM §4.1, Lifeguard IV.B): ping, ping-req, ack and nack. At most one rides at the
// head of a datagram; piggybacked updates follow it (GossipDatagram).
public import Primitives

/// A failure-detector message.
public enum ProbeMessage: Hashable, Sendable {
    /// `source` probes `target` directly; the receiver answers with an ack only when it is `target` (a ping meant for
    /// an old owner of the address is ignored, as in memberlist).
    case ping(sequence: UInt32, source: NodeID, target: NodeID)
    /// `source` asks the receiver to probe `target` at `targetAddress` and report back (SWIM §4.1), with a nack if
    /// the target does not answer in time (Lifeguard IV.B).
    case pingRequest(sequence: UInt32, source: NodeID, target: NodeID, targetAddress: GossipAddress)
    /// `source` answers the ping (or relays the target's answer) with this sequence; carries `source`'s coordinate.
    case ack(sequence: UInt32, source: NodeID, coordinate: ProbeCoordinate)
    /// `source` probed the target for a ping-req with this sequence and heard nothing (Lifeguard IV.B).
    case nack(sequence: UInt32, source: NodeID)
}
