// The body of replica transfers as it is streamed: a batch's heads, then each chunk the targets lack, fetched one
// at a time when the previous one has gone out (from this node's store when pushing, from a holder when pulling),
// so a transfer of any size holds one chunk.
public import Primitives

/// A transfer body whose chunks are fetched lazily.
public struct ReplicaBodySource: ByteSource {
    private var pending: [UInt8]
    private var offset = 0
    private var next = 0
    private let chunkCount: Int
    private let fetch: (Int) throws -> [UInt8]

    /// `prefix` (a batch's heads; empty when the receiver has them already), then chunks 0 to `chunkCount - 1` from
    /// `fetch`, in that order.
    init(prefix: [UInt8] = [], chunkCount: Int, fetch: @escaping (_ index: Int) throws -> [UInt8]) {
        pending = prefix
        self.chunkCount = chunkCount
        self.fetch = fetch
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == pending.count {
            guard next < chunkCount else { return 0 }
            pending = try fetch(next)
            next += 1
            offset = 0
        }
        let count = min(buffer.count, pending.count - offset)
        pending.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
