// A 128-bit fingerprint of a regional row, and the bucket its instance falls in: what anti-entropy digests are made
// of. A fixed function of the row's bytes (never Swift's Hasher, whose seed changes per process), so every node
// computes the same; a format constant once released. Not cryptographic: peers are authenticated (mTLS), and a
// fingerprint only decides what to compare, never what to trust.
import Primitives

/// 128 bits; fingerprints combine by XOR, so a set's digest is independent of order and updated in O(1).
public struct RegionalFingerprint: Sendable, Hashable {
    /// The all-zero fingerprint: the digest of no rows.
    public static let zero = RegionalFingerprint(high: 0, low: 0)

    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The fingerprint of `row`: its key, version, tombstone flag and payload.
    public init(of row: RegionalRow) {
        var hasher = FingerprintHasher()
        hasher.add(UInt64(row.key.kind.rawValue))
        hasher.add(bytes: Array(row.key.instanceUID.utf8))
        hasher.add(row.key.holder?.rawValue ?? 0)
        hasher.add(UInt64(bitPattern: row.version.clockValue))
        hasher.add(row.version.nodeID.rawValue)
        hasher.add(row.isTombstone ? 1 : 0)
        hasher.add(bytes: row.payload)
        self = hasher.fingerprint
    }

    /// `self` with `other` added or removed (XOR is its own inverse).
    public func toggled(by other: RegionalFingerprint) -> RegionalFingerprint {
        RegionalFingerprint(high: high ^ other.high, low: low ^ other.low)
    }

    /// The bucket of `instanceUID` among `bucketCount` (a power of two): an instance's row and its holdings share
    /// one, so pulling a bucket brings an instance whole.
    public static func bucket(of instanceUID: String, bucketCount: Int) -> Int {
        precondition(bucketCount > 0 && bucketCount & (bucketCount - 1) == 0, "the bucket count is a power of two")
        var hasher = FingerprintHasher()
        hasher.add(bytes: Array(instanceUID.utf8))
        return Int(truncatingIfNeeded: hasher.fingerprint.high) & (bucketCount - 1)
    }
}

/// Two independent 64-bit lanes over 8-byte words, each word mixed with SplitMix64's finalizer.
struct FingerprintHasher {
    private var high: UInt64 = 0x7465_7373_6572_6131
    private var low: UInt64 = 0x7265_6769_6F6E_616C
    private var wordCount: UInt64 = 0

    mutating func add(_ word: UInt64) {
        wordCount &+= 1
        high = Mixing.mix64(high ^ word) &+ wordCount
        low = Mixing.mix64(low &+ (word ^ 0x9E37_79B9_7F4A_7C15)) ^ wordCount
    }

    /// Adds the length, then the bytes eight at a time (the last word zero-padded).
    mutating func add(bytes: [UInt8]) {
        add(UInt64(bytes.count))
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            word |= UInt64(byte) << (UInt64(index % 8) * 8)
            if index % 8 == 7 {
                add(word)
                word = 0
            }
        }
        if bytes.count % 8 != 0 { add(word) }
    }

    var fingerprint: RegionalFingerprint {
        RegionalFingerprint(high: Mixing.mix64(high ^ wordCount), low: Mixing.mix64(low ^ ~wordCount))
    }
}
