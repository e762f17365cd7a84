// Streaming FastCDC: buffers of any size in, whole chunks out. A chunk that lies inside one input buffer is handed
// out in place; only a chunk spanning buffers is gathered, so memory stays one max chunk plus the caller's buffer.

/// Cuts a stream into content-defined chunks.
///
/// Boundaries depend only on the bytes, never on how they were split into `feed` calls. Chunks are passed to
/// `emit` as buffers valid only during the call.
public struct Chunker: ~Copyable {
    /// The sizes this chunker cuts to.
    public let configuration: ChunkerConfiguration
    /// Bytes of the current chunk that arrived in earlier buffers; capacity one max chunk.
    private let pending: UnsafeMutableRawBufferPointer
    private var pendingCount = 0
    private var hash: UInt64 = 0

    /// Makes a chunker with `configuration` (default 256 KiB / 1 MiB / 4 MiB).
    public init(configuration: ChunkerConfiguration = .standard) {
        self.configuration = configuration
        pending = .allocate(byteCount: configuration.chunkSizeMax, alignment: 64)
    }

    deinit { pending.deallocate() }

    /// Consumes `buffer`, emitting every chunk it completes.
    public mutating func feed(_ buffer: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) rethrows
    {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var position = 0
        try gearTable.withUnsafeBufferPointer { gear in
            while position < buffer.count {
                let remaining = buffer.count - position
                let cut = findCutPoint(
                    base + position, count: remaining, chunkOffset: pendingCount, hash: &hash,
                    gear: gear.baseAddress!, configuration: configuration)
                let taken = cut < 0 ? remaining : cut
                let piece = UnsafeRawBufferPointer(start: base + position, count: taken)
                position += taken
                if cut < 0 {
                    gather(piece)
                } else if pendingCount == 0 {
                    try emit(piece)
                } else {
                    gather(piece)
                    try emit(UnsafeRawBufferPointer(start: pending.baseAddress, count: pendingCount))
                    pendingCount = 0
                }
            }
        }
    }

    /// Ends the stream, emitting the last, possibly short, chunk.
    public mutating func finish(emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard pendingCount > 0 else { return }
        try emit(UnsafeRawBufferPointer(start: pending.baseAddress, count: pendingCount))
        pendingCount = 0
        hash = 0
    }

    private mutating func gather(_ piece: UnsafeRawBufferPointer) {
        precondition(pendingCount + piece.count <= pending.count, "a chunk outgrew chunkSizeMax")
        guard piece.count > 0 else { return }
        (pending.baseAddress! + pendingCount).copyMemory(from: piece.baseAddress!, byteCount: piece.count)
        pendingCount += piece.count
    }

    /// The end offset of every chunk of `bytes`, cut in one pass: the simple form tests use as the oracle.
    public static func boundaries(of bytes: UnsafeRawBufferPointer, configuration: ChunkerConfiguration) -> [Int] {
        var ends: [Int] = []
        var start = 0
        while start < bytes.count {
            let length = oneShotCut(bytes, from: start, configuration: configuration)
            start += length
            ends.append(start)
        }
        return ends
    }

    /// The length of the chunk starting at `start`, by FastCDC's Algorithm 1 as written in the paper.
    static func oneShotCut(_ bytes: UnsafeRawBufferPointer, from start: Int, configuration: ChunkerConfiguration)
        -> Int
    {
        let available = bytes.count - start
        if available <= configuration.chunkSizeMin { return available }
        let end = min(available, configuration.chunkSizeMax)
        let normal = min(end, configuration.chunkSizeAvg)
        var hash: UInt64 = 0
        var index = configuration.chunkSizeMin
        while index < normal {
            hash = (hash &<< 1) &+ gearTable[Int(bytes[start + index])]
            if hash & configuration.maskSmall == 0 { return index + 1 }
            index += 1
        }
        while index < end {
            hash = (hash &<< 1) &+ gearTable[Int(bytes[start + index])]
            if hash & configuration.maskLarge == 0 { return index + 1 }
            index += 1
        }
        return end
    }
}
