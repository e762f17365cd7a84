// Randomness for secrets and nonce prefixes, from OpenSSL's CSPRNG (RAND_bytes). Owns no state; seeded randomness
// for cores and the simulator is Primitives' SeededRandom, which MUST NOT make keys.
internal import COpenSSL

/// A cryptographically secure random number generator backed by OpenSSL's `RAND_bytes`.
///
/// Production passes it where code takes `some RandomNumberGenerator` for nonce prefixes; the simulator passes a
/// `SeededRandom` there instead, so runs replay. Keys come only from here (`ClusterKey.makeRandom`).
public struct SecureRandom: RandomNumberGenerator, Sendable {
    /// Makes a generator; it holds no state of its own.
    public init() {}

    /// Fills `buffer` with secure random bytes. A CSPRNG that cannot be seeded stops the process: nothing secret
    /// may be made without it.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        precondition(buffer.count <= Int(Int32.max), "RAND_bytes takes at most \(Int32.max) bytes per call")
        let status = RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count))
        precondition(status == 1, "OpenSSL RAND_bytes failed: the system's random source is unavailable")
    }

    /// The next 64 secure random bits.
    public mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }
}
