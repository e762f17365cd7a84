// A RandomSource that replays one seed: SeededRandom behind a lock, for simulated and test nodes that share one
// source between several callers. Not for keys or anything secret.
import Synchronization

/// A seeded, shareable RandomSource: the same seed gives the same words in the same order on every machine.
public final class SeededRandomSource: RandomSource {
    private let generator: Mutex<SeededRandom>

    /// Makes a source whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) { generator = Mutex(SeededRandom(seed: seed)) }

    public func next() -> UInt64 { generator.withLock { $0.next() } }
}
