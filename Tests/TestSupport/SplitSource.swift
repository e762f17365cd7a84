// A byte source for split-invariance tests (NIO's habit, STYLE.md "Testing"): the same bytes handed out whole, a
// byte at a time or in seeded random pieces, and optionally failing part way, like a client that drops.
public import Primitives

/// Yields `bytes` in reads of at most `pieceBytesMax` (random sizes up to it when seeded), failing once `failAfter`
/// bytes are read.
public struct SplitSource: ByteSource {
    /// What a source set to fail throws.
    public struct Broken: Error {}

    public let bytes: [UInt8]
    public private(set) var offset = 0
    var random: SeededRandom?
    let pieceBytesMax: Int
    let failAfter: Int?

    /// A source over `bytes` read in pieces of `pieceBytesMax` (of random sizes up to it with `random`), throwing
    /// `Broken` at the first read after `failAfter` bytes.
    public init(bytes: [UInt8], random: SeededRandom? = nil, pieceBytesMax: Int, failAfter: Int? = nil) {
        precondition(pieceBytesMax > 0, "a piece holds at least one byte")
        self.bytes = bytes
        self.random = random
        self.pieceBytesMax = pieceBytesMax
        self.failAfter = failAfter
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failAfter, offset >= failAfter { throw Broken() }
        var wanted = pieceBytesMax
        if var generator = random {
            wanted = 1 + Int(generator.next() % UInt64(pieceBytesMax))
            random = generator
        }
        let count = min(wanted, buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        offset += count
        return count
    }
}
