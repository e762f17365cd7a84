// Pseudo-random bytes made as they are read, for objects far larger than memory should hold (the peak-RSS child).
import Primitives

/// Pseudo-random bytes generated on the fly: a large object that never sits in memory.
struct GeneratedSource: ByteSource {
    private var remaining: Int64
    private var random: SeededRandom

    init(length: Int64, seed: UInt64) {
        remaining = length
        random = SeededRandom(seed: seed)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = Int(min(Int64(buffer.count), remaining))
        random.fill(UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]))
        remaining -= Int64(count)
        return count
    }
}
