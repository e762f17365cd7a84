// Why a gossip envelope was dropped: the closed set of causes a node counts and logs (issue 11, "Security of
// gossip"). Separate from CodingError because the node switches over it, and every case is a metric label.

/// The cause a gossip datagram or stream frame was dropped for, without detail: one counter per cause.
public enum GossipDropCause: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Shorter than an envelope's header and tag.
    case truncated
    /// Longer than the limit for its channel (the datagram MTU, or the stream frame limit).
    case oversized
    /// A version byte this node does not speak.
    case unknownVersion
    /// Sealed under a key id this node's keyring does not hold.
    case unknownKey
    /// The tag did not verify: a forgery, corruption in transit, or a wrong key with a colliding id.
    case authenticationFailed
    /// A nonce already seen under the same key within the replay window.
    case replayed

    /// The cause as a metric label, e.g. "unknown_key".
    public var description: String {
        switch self {
        case .truncated: "truncated"
        case .oversized: "oversized"
        case .unknownVersion: "unknown_version"
        case .unknownKey: "unknown_key"
        case .authenticationFailed: "authentication_failed"
        case .replayed: "replayed"
        }
    }
}

/// A refused gossip envelope, naming what was wrong with it.
public enum EnvelopeRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// `byteCount` bytes, fewer than the `byteCountMin` every envelope has.
    case truncated(byteCount: Int, byteCountMin: Int)
    /// `byteCount` bytes, more than the channel's `byteCountMax`.
    case oversized(byteCount: Int, byteCountMax: Int)
    /// A version byte other than `GossipEnvelope.version`.
    case unknownVersion(UInt8)
    /// A key id the keyring does not hold.
    case unknownKey(keyID: UInt32)
    /// The tag did not verify under the key with id `keyID`.
    case authenticationFailed(keyID: UInt32)
    /// The nonce was seen under key `keyID` within the replay window.
    case replayed(keyID: UInt32, nonce: EnvelopeNonce)

    /// The cause to count this refusal under.
    public var cause: GossipDropCause {
        switch self {
        case .truncated: .truncated
        case .oversized: .oversized
        case .unknownVersion: .unknownVersion
        case .unknownKey: .unknownKey
        case .authenticationFailed: .authenticationFailed
        case .replayed: .replayed
        }
    }

    public var description: String {
        switch self {
        case .truncated(let byteCount, let byteCountMin):
            "gossip envelope truncated: \(byteCount) bytes, an envelope has at least \(byteCountMin)"
        case .oversized(let byteCount, let byteCountMax):
            "gossip envelope oversized: \(byteCount) bytes, the limit is \(byteCountMax)"
        case .unknownVersion(let version):
            "gossip envelope version \(version) is unknown; this node speaks \(GossipEnvelope.version)"
        case .unknownKey(let keyID):
            "gossip envelope sealed under key \(ClusterKey.idText(keyID)), which the keyring does not hold"
        case .authenticationFailed(let keyID):
            "gossip envelope failed authentication under key \(ClusterKey.idText(keyID))"
        case .replayed(let keyID, let nonce):
            "gossip envelope replayed: nonce \(nonce) under key \(ClusterKey.idText(keyID)) was already seen"
        }
    }
}
