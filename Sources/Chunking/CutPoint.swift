// The hot loop of FastCDC: find where the current chunk ends in a run of bytes (FastCDC §3, Algorithm 1 with
// normalized chunking). A free function over raw pointers: no class, no ARC, no bounds checks (STYLE.md, pitfall 6).

/// Scans `count` bytes at `bytes`, which continue a chunk that already has `chunkOffset` bytes, for its cut point.
///
/// Returns how many of the scanned bytes complete the chunk, or -1 when the chunk goes on past them; `hash` carries
/// the gear hash between calls, so a chunk split across buffers cuts exactly where it would in one piece.
@inlinable
public func findCutPoint(
    _ bytes: UnsafePointer<UInt8>, count: Int, chunkOffset: Int, hash: inout UInt64,
    gear: UnsafePointer<UInt64>, configuration: ChunkerConfiguration
) -> Int {
    let sizeMin = configuration.chunkSizeMin
    let sizeAvg = configuration.chunkSizeAvg
    let sizeMax = configuration.chunkSizeMax
    var index = 0
    var offset = chunkOffset
    if offset < sizeMin {
        // FastCDC skips hashing below the minimum size: no cut can fall there.
        let skipped = min(sizeMin - offset, count)
        index += skipped
        offset += skipped
        if index == count { return offset == sizeMax ? index : -1 }
    }
    var running = hash
    let small = scanGear(
        bytes, from: index, to: min(count, index + max(0, sizeAvg - offset)), hash: &running,
        mask: configuration.maskSmall, gear: gear)
    if small.isCut {
        hash = 0
        return small.end
    }
    index = small.end
    offset = chunkOffset + index
    let large = scanGear(
        bytes, from: index, to: min(count, index + (sizeMax - offset)), hash: &running,
        mask: configuration.maskLarge, gear: gear)
    index = large.end
    if large.isCut || chunkOffset + index == sizeMax {
        hash = 0
        return index
    }
    hash = running
    return -1
}

/// Rolls the gear hash over `bytes[start..<stop]` until `hash & mask` is zero: returns the index after that byte
/// and true, or `stop` and false. Four bytes per loop turn, so the bounds check and the counter are paid once per
/// four bytes; the hash is FastCDC's (§3: shift one, add the byte's gear value), each byte's hash is tested in
/// turn, so the cut is the same as byte by byte.
@inlinable @inline(__always)
func scanGear(
    _ bytes: UnsafePointer<UInt8>, from start: Int, to stop: Int, hash: inout UInt64, mask: UInt64,
    gear: UnsafePointer<UInt64>
) -> (end: Int, isCut: Bool) {
    var index = start
    var running = hash
    defer { hash = running }
    while index &+ 4 <= stop {
        // The four hashes from `running` directly (h + k bytes later is h << k plus the gear terms, which do not
        // depend on h), so each turn waits on one shift and one add instead of four of each.
        let gear0 = gear[Int(bytes[index])]
        let gear1 = gear[Int(bytes[index &+ 1])]
        let gear2 = gear[Int(bytes[index &+ 2])]
        let gear3 = gear[Int(bytes[index &+ 3])]
        let terms2 = (gear0 &<< 1) &+ gear1
        let terms3 = (terms2 &<< 1) &+ gear2
        let terms4 = (terms3 &<< 1) &+ gear3
        let hash1 = (running &<< 1) &+ gear0
        let hash2 = (running &<< 2) &+ terms2
        let hash3 = (running &<< 3) &+ terms3
        let hash4 = (running &<< 4) &+ terms4
        if hash1 & mask == 0 {
            running = hash1
            return (index &+ 1, true)
        }
        if hash2 & mask == 0 {
            running = hash2
            return (index &+ 2, true)
        }
        if hash3 & mask == 0 {
            running = hash3
            return (index &+ 3, true)
        }
        running = hash4
        if hash4 & mask == 0 { return (index &+ 4, true) }
        index &+= 4
    }
    while index < stop {
        running = (running &<< 1) &+ gear[Int(bytes[index])]
        index &+= 1
        if running & mask == 0 { return (index, true) }
    }
    return (index, false)
}
