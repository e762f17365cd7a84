// The error type of the Coding module: what a Reed-Solomon code was asked that it cannot do, a message that fails
// AES-GCM authentication, and a refused cluster key or key file. Gossip envelopes refuse with EnvelopeRefusal.

/// A refused erasure-coding request, a message that does not authenticate, or a refused cluster key.
public enum CodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// k or m out of range: k must be 1…32, m 0…16, and k + m at most 48.
    case invalidShardCounts(dataShardCount: Int, parityShardCount: Int)
    /// Fewer shards survive than the k needed to decode.
    case tooFewShards(present: Int, needed: Int)
    /// The shard buffers are not k + m of one length.
    case shardShapeMismatch(expectedCount: Int, actualCount: Int)
    /// An AES-GCM tag did not verify: the key, nonce, additional data, ciphertext or tag is not what was sealed.
    case authenticationFailed
    /// A cluster key is not `AESGCM.keyByteCount` bytes long.
    case keyLength(byteCount: Int)
    /// A line of a cluster key file is not one key; `line` counts from 1.
    case keyFileLine(line: Int, reason: String)
    /// A cluster key file holds no key at all.
    case keyFileEmpty
    /// A keyring would hold more keys than it may.
    case keyringFull(keyCount: Int, limit: Int)
    /// A keyring would hold two keys with one key id (the same key twice, or a 1-in-2^32 id collision).
    case keyringDuplicate(keyID: UInt32)

    public var description: String {
        switch self {
        case .invalidShardCounts(let k, let m):
            "invalid erasure code \(k)+\(m): data shards must be 1…\(ReedSolomon.dataShardCountMax), parity shards "
                + "0…\(ReedSolomon.parityShardCountMax), and together at most \(ReedSolomon.shardCountMax)"
        case .tooFewShards(let present, let needed):
            "cannot decode: \(present) shards survive, \(needed) are needed"
        case .shardShapeMismatch(let expected, let actual):
            "expected \(expected) shard buffers of one length, got \(actual)"
        case .authenticationFailed:
            "AES-GCM authentication failed: wrong key, nonce or additional data, or the message was altered"
        case .keyLength(let byteCount):
            "a cluster key must be \(AESGCM.keyByteCount) bytes, not \(byteCount)"
        case .keyFileLine(let line, let reason):
            "cluster key file, line \(line): \(reason)"
        case .keyFileEmpty:
            "cluster key file holds no key"
        case .keyringFull(let keyCount, let limit):
            "a cluster keyring holds at most \(limit) keys, not \(keyCount)"
        case .keyringDuplicate(let keyID):
            "cluster key \(ClusterKey.idText(keyID)) appears twice in the keyring"
        }
    }
}
