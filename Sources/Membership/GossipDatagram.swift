// One UDP datagram of gossip: an optional probe message and the updates piggybacked on it (SWIM §4.1, "compound"
// messages in memberlist). GossipCodec encodes it; MembershipCore fills it up to the configured size.

/// A datagram's content: a probe message (or none, for a pure gossip datagram) and piggybacked updates.
public struct GossipDatagram: Hashable, Sendable {
    /// Most updates one datagram carries, whatever its size.
    public static let updatesMax = 64

    /// The probe message, if any.
    public var probe: ProbeMessage?
    /// Piggybacked updates; at most `updatesMax`.
    public var updates: [MemberUpdate]

    /// Makes a datagram.
    public init(probe: ProbeMessage?, updates: [MemberUpdate] = []) {
        precondition(updates.count <= Self.updatesMax, "a datagram carries at most \(Self.updatesMax) updates")
        self.probe = probe
        self.updates = updates
    }
}
