// A sink that keeps nothing, for reads whose bytes only need counting (the peak-RSS child, end-to-end gets).
import Primitives

/// A sink that only counts what it is given.
struct CountingSink: ByteSink {
    private(set) var count: Int64 = 0

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws { count += Int64(buffer.count) }
}
