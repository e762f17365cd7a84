// Deterministic randomness for cores, simulations and benches: xoshiro256** seeded through SplitMix64, so one seed
// replays one run exactly on every machine (STYLE.md, "Determinism").

/// A seeded pseudo-random generator (xoshiro256**). Not for keys or anything secret.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Makes a generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        func nextSplitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            return Mixing.mix64(mixer)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    public mutating func next() -> UInt64 {
        let result = Mixing.rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = Mixing.rotateLeft(state.3, by: 45)
        return result
    }

    /// Fills `buffer` with pseudo-random bytes, eight at a time.
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset + 8 <= buffer.count {
            buffer.storeBytes(of: next(), toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        if offset < buffer.count {
            var last = next()
            while offset < buffer.count {
                buffer[offset] = UInt8(truncatingIfNeeded: last)
                last >>= 8
                offset += 1
            }
        }
    }

    /// Returns `count` pseudo-random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { fill($0) }
        return result
    }
}

/// Fixed 64-bit mixing functions. Never `Hasher`: its seed changes with every process (STYLE.md, pitfall 2).
public enum Mixing {
    /// The SplitMix64 finalizer: a bijective avalanche of 64 bits.
    @inline(__always)
    public static func mix64(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The rendezvous (highest-random-weight) score of `member` for `key`: whoever scores highest wins the key.
    ///
    /// Both inputs should already be well mixed (a SHA-256 prefix, a random identifier); the result is a fixed
    /// function of the two, identical on every machine and in every process.
    @inline(__always)
    public static func rendezvousScore(key: UInt64, member: UInt64) -> UInt64 {
        mix64(key ^ mix64(member))
    }

    @inline(__always)
    static func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}
