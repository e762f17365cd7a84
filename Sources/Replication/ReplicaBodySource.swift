// The body of a replica transfer as it is streamed: the header, then each chunk the target lacks, fetched one at a
// time when the previous one has gone out (from this node's store when pushing, from a holder when pulling), so a
// transfer of any size holds one chunk.
import ObjectStore
public import Primitives

/// A transfer body whose chunks are fetched lazily.
public struct ReplicaBodySource: ByteSource {
    private var pending: [UInt8]
    private var offset = 0
    private var positions: IndexingIterator<[Int]>
    private let fetch: (Int) throws -> [UInt8]

    /// The body of `header` (the header's own bytes first unless `isHeaderSent` is false: a receiver handed the
    /// header already), each sent position's chunk from `fetch`.
    init(header: ReplicaHeader, isHeaderSent: Bool = true, fetch: @escaping (_ position: Int) throws -> [UInt8]) {
        pending = isHeaderSent ? header.encoded() : []
        positions = header.needs.neededPositions.makeIterator()
        self.fetch = fetch
    }

    /// The payload bytes of the chunks `header` says are sent.
    static func chunkBytes(header: ReplicaHeader, entries: [ManifestEntry]) -> Int {
        header.needs.neededPositions.reduce(0) { $0 + Int(entries[$1].length) }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == pending.count {
            guard let position = positions.next() else { return 0 }
            pending = try fetch(position)
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
