// The one error the gossip codec throws: where in the input decoding stopped and why, so a hostile or corrupt
// datagram is dropped with a reason that can be counted and logged.

/// Why bytes could not be decoded as gossip.
public struct GossipCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The byte offset at which the bad field starts.
    public let offset: Int
    /// What was wrong, naming the field and the limit it broke.
    public let reason: String

    /// Makes an error at `offset`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "gossip at offset \(offset): \(reason)" }
}
