// Seeded test data: the same seed gives the same bytes on every machine, so a failure is a reproduction.
import Primitives

/// Deterministic byte patterns for tests.
public enum TestBytes {
    /// `count` pseudo-random bytes fixed by `seed`.
    public static func random(count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        return random.bytes(count)
    }
}
