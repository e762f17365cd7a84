// The 96-bit nonce of a gossip envelope and the sequence that issues them: a random 64-bit prefix and a 32-bit
// counter (NIST SP 800-38D §8.2.1, the deterministic construction). Owns uniqueness, not secrecy.
import Primitives

/// One envelope nonce: a 64-bit prefix drawn at random and a 32-bit counter under it, sent big-endian.
public struct EnvelopeNonce: Hashable, Sendable, CustomStringConvertible {
    /// The random part, drawn once per `NonceSequence` and again whenever its counter runs out.
    public let prefix: UInt64
    /// The invocation counter under `prefix`.
    public let counter: UInt32

    /// Makes a nonce from its two fields.
    public init(prefix: UInt64, counter: UInt32) {
        self.prefix = prefix
        self.counter = counter
    }

    /// Reads a nonce from the first `AESGCM.nonceByteCount` bytes of `bytes`.
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= AESGCM.nonceByteCount, "a nonce is \(AESGCM.nonceByteCount) bytes")
        prefix = (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[$1]) }
        counter = (8..<12).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[$1]) }
    }

    /// The nonce's 12 bytes, prefix then counter, big-endian.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: prefix >> (56 - 8 * UInt64($0))) }
            + (0..<4).map { UInt8(truncatingIfNeeded: counter >> (24 - 8 * UInt32($0))) }
    }

    public var description: String {
        HexText.padded(prefix, digits: 16) + HexText.padded(UInt64(counter), digits: 8)
    }
}

/// Issues envelope nonces that never repeat within one sequence: a random 64-bit prefix, then a counter under it.
///
/// Why not 96 random bits per message: the cluster key is shared by every node, so the bound of SP 800-38D §8.3
/// (at most 2^32 random nonces per key, for a collision chance under 2^-32) is spent by the whole region together;
/// 2,000 nodes sending 5 datagrams a second would reach it in under five days. Here a nonce can repeat only if two
/// sequences draw one 64-bit prefix: with P prefixes drawn under a key the chance is about P²/2^65, under 2^-32
/// for P up to 92,000 node starts (or counter wraps of 2^32 messages each) per key. One sequence MUST serve a
/// node's every seal for the life of the process, across key rotations: its nonces stay unique under every key.
/// Production draws prefixes from `SecureRandom`; the simulator passes a `SeededRandom`, so runs replay.
public struct NonceSequence: Sendable {
    /// The number of nonces issued under one prefix before a new one is drawn.
    public static let countPerPrefix: UInt64 = 1 << 32

    /// The prefix now in use.
    private var prefix: UInt64
    /// The counter the next nonce takes; `countPerPrefix` once the prefix is spent.
    private var nextCounter: UInt64 = 0

    /// Starts a sequence with a prefix drawn from `random`.
    public init(using random: inout some RandomNumberGenerator) {
        prefix = random.next()
    }

    /// Resumes a sequence at `nextCounter` under `prefix`: only tests use it, to reach a counter wrap.
    init(prefix: UInt64, nextCounter: UInt64) {
        precondition(nextCounter <= Self.countPerPrefix, "a counter is at most \(Self.countPerPrefix)")
        self.prefix = prefix
        self.nextCounter = nextCounter
    }

    /// The next nonce; draws a new prefix from `random` when the counter under the current one is spent.
    public mutating func next(using random: inout some RandomNumberGenerator) -> EnvelopeNonce {
        if nextCounter == Self.countPerPrefix {
            let spent = prefix
            while prefix == spent { prefix = random.next() }
            nextCounter = 0
        }
        let nonce = EnvelopeNonce(prefix: prefix, counter: UInt32(nextCounter))
        nextCounter += 1
        return nonce
    }
}
