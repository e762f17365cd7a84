// The one error type of the Coding module: what a Reed-Solomon code was asked that it cannot do.

/// A refused erasure-coding request.
public enum CodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// k or m out of range: k must be 1…32, m 0…16, and k + m at most 48.
    case invalidShardCounts(dataShardCount: Int, parityShardCount: Int)
    /// Fewer shards survive than the k needed to decode.
    case tooFewShards(present: Int, needed: Int)
    /// The shard buffers are not k + m of one length.
    case shardShapeMismatch(expectedCount: Int, actualCount: Int)

    public var description: String {
        switch self {
        case .invalidShardCounts(let k, let m):
            "invalid erasure code \(k)+\(m): data shards must be 1…\(ReedSolomon.dataShardCountMax), parity shards "
                + "0…\(ReedSolomon.parityShardCountMax), and together at most \(ReedSolomon.shardCountMax)"
        case .tooFewShards(let present, let needed):
            "cannot decode: \(present) shards survive, \(needed) are needed"
        case .shardShapeMismatch(let expected, let actual):
            "expected \(expected) shard buffers of one length, got \(actual)"
        }
    }
}
