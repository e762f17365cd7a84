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
    let maskSmall = configuration.maskSmall
    var stop = min(count, index + max(0, sizeAvg - offset))
    while index < stop {
        running = (running &<< 1) &+ gear[Int(bytes[index])]
        index += 1
        if running & maskSmall == 0 {
            hash = 0
            return index
        }
    }
    offset = chunkOffset + index
    let maskLarge = configuration.maskLarge
    stop = min(count, index + (sizeMax - offset))
    while index < stop {
        running = (running &<< 1) &+ gear[Int(bytes[index])]
        index += 1
        if running & maskLarge == 0 {
            hash = 0
            return index
        }
    }
    if chunkOffset + index == sizeMax {
        hash = 0
        return index
    }
    hash = running
    return -1
}
