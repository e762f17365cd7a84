// Fast byte search over unsafe buffers, the pure-Swift stand-in for memchr: eight bytes per step with the classic
// "has zero byte" bit trick. Owns scanning only.

/// Word-at-a-time searches for one byte value.
enum ByteScan {
    /// The index of the first `target` in `bytes[start..<end]`, or nil.
    static func firstIndex(of target: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int)
        -> Int?
    {
        precondition(start >= 0 && end <= bytes.count, "scan range outside the buffer")
        guard start < end, let base = bytes.baseAddress else { return nil }
        let pattern = UInt64(target) &* 0x0101_0101_0101_0101
        var index = start
        while index + 8 <= end {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ pattern
            let found = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < end {
            if base.load(fromByteOffset: index, as: UInt8.self) == target { return index }
            index += 1
        }
        return nil
    }
}
