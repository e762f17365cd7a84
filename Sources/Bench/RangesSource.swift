// The storage bench's objects as ranges of one big in-memory buffer, read without copying them out first.
import Primitives

/// A source over ranges of one big in-memory buffer: the bench's objects, built without copying.
struct RangesSource: ByteSource {
    let base: UnsafeRawBufferPointer
    let ranges: [Range<Int>]
    private var rangeIndex = 0
    private var offset = 0

    init(base: UnsafeRawBufferPointer, ranges: [Range<Int>]) {
        self.base = base
        self.ranges = ranges
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while rangeIndex < ranges.count {
            let range = ranges[rangeIndex]
            let count = min(buffer.count, range.count - offset)
            if count > 0 {
                buffer.baseAddress!.copyMemory(
                    from: base.baseAddress! + range.lowerBound + offset, byteCount: count)
                offset += count
                return count
            }
            rangeIndex += 1
            offset = 0
        }
        return 0
    }
}
