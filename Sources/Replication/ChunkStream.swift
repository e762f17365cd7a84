// Chunks fetched by address from another holder, many per request: the request names them as a manifest (the same
// codec and limits as an object's), the answer is their bytes back to back in that order. One request per chunk
// made a read wait a round trip and the holder's encryption for every chunk; one answer for many lets the holder
// read and send the next chunks while this node verifies and forwards the last (TCP's buffers between them), and
// still holds one chunk at a time.
public import ObjectStore
public import Primitives

/// The chunks of one answer, read one at a time; each is checked by the caller against its address.
public struct ChunkStream {
    /// Most chunks one request names (a 147 KB request; 4 GiB of chunks at most at the default size).
    public static let entriesMax = 4_096

    private var body: any ByteSource
    private let entries: [ManifestEntry]
    private var position = 0

    /// Chunks of `entries`, in order, from `body` (an answer to a request naming them).
    public init(body: any ByteSource, entries: [ManifestEntry]) {
        self.body = body
        self.entries = entries
    }

    /// The request body naming `entries`.
    public static func request(_ entries: ArraySlice<ManifestEntry>) -> [UInt8] {
        precondition(entries.count <= entriesMax, "too many chunks for one request")
        return Manifest(length: entries.reduce(0) { $0 + UInt64($1.length) }, entries: Array(entries)).encoded()
    }

    /// The chunks a request names; throws `ReplicaError(.malformed)` naming what is wrong.
    public static func entries(ofRequest bytes: [UInt8]) throws(ReplicaError) -> [ManifestEntry] {
        guard let manifest = Manifest.decode(bytes) else {
            throw ReplicaError(.malformed, "the chunk list does not decode (\(bytes.count) bytes)")
        }
        guard !manifest.entries.isEmpty, manifest.entries.count <= entriesMax else {
            throw ReplicaError(
                .malformed, "a chunk list names 1 to \(entriesMax) chunks, not \(manifest.entries.count)")
        }
        return manifest.entries
    }

    /// The next chunk's bytes; nil after the last one, once the answer ended too. Throws
    /// `ReplicaError(.unavailable)` when the answer ends early (the holder failed mid-way) or the body's error.
    public mutating func next() throws -> [UInt8]? {
        guard position < entries.count else {
            try expectEnd(of: &body, asked: "\(entries.count) chunks")
            return nil
        }
        let length = Int(entries[position].length)
        let bytes = try readUpTo(length, from: &body)
        guard bytes.count == length else {
            throw ReplicaError(
                .unavailable,
                "the answer ended in chunk \(position + 1) of \(entries.count) (\(bytes.count) of \(length) bytes)")
        }
        position += 1
        return bytes
    }
}

/// The chunks of `entries` from one peer, as many requests as `ChunkStream.entriesMax` needs, each made when the
/// one before has been read to its end. A class so a transfer body's fetch closure can hold it.
public final class ChunkBatches {
    private let request: ([ManifestEntry]) throws -> ChunkStream
    private let entries: [ManifestEntry]
    private var position = 0
    private var stream: ChunkStream?

    /// Chunks of `entries` from `peer`, each answer waited for as long as the transport allows.
    public convenience init(peer: any ReplicaPeer, entries: [ManifestEntry]) {
        self.init(entries: entries) { try peer.chunks($0, answerWithinSeconds: nil) }
    }

    /// Chunks of `entries`, each batch asked for through `request`.
    public init(entries: [ManifestEntry], request: @escaping ([ManifestEntry]) throws -> ChunkStream) {
        self.request = request
        self.entries = entries
    }

    /// The next chunk's bytes (unchecked); nil after the last.
    public func next() throws -> [UInt8]? {
        while true {
            if stream == nil {
                guard position < entries.count else { return nil }
                let end = min(entries.count, position + ChunkStream.entriesMax)
                stream = try request(Array(entries[position..<end]))
            }
            if let bytes = try stream!.next() {
                position += 1
                return bytes
            }
            stream = nil
        }
    }
}
