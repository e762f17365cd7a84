// The body of a replica transfer as the sender streams it: the header, then each chunk the target asked for, read
// from the store one at a time when the previous one has gone out, so a transfer of any size holds one chunk.
import ObjectStore
public import Primitives

/// A transfer body read lazily from the store.
public struct ReplicaBodySource: ByteSource {
    private let store: ObjectStore
    private let entries: [ManifestEntry]
    private var pending: [UInt8]
    private var offset = 0
    private var positions: IndexingIterator<[Int]>

    /// The body for `header`, the instance's chunks read from `store`.
    init(header: ReplicaHeader, entries: [ManifestEntry], store: ObjectStore) {
        self.store = store
        self.entries = entries
        pending = header.encoded()
        positions = header.needs.neededPositions.makeIterator()
    }

    /// The payload bytes of the chunks `header` says are sent.
    static func chunkBytes(header: ReplicaHeader, entries: [ManifestEntry]) -> Int {
        header.needs.neededPositions.reduce(0) { $0 + Int(entries[$1].length) }
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == pending.count {
            guard let position = positions.next() else { return 0 }
            pending = try store.chunk(entries[position])
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
