// The seam for randomness in storage and node code: volume ids, node ids and whatever else must be drawn at random
// come from a source the caller passes. Posix conforms the kernel's generator; SeededRandomSource replays a seed.

/// A shared source of random 64-bit words, safe to call from any thread.
///
/// Storage and node code MUST draw randomness only from a source handed to them, never from
/// `SystemRandomNumberGenerator` or `.random()`, so that a simulated node given a seeded source replays exactly.
public protocol RandomSource: Sendable {
    /// The next 64 random bits.
    func next() -> UInt64
}
