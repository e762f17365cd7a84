// Replication in batches of up to 64 instances: their offers in one request (`POST /internal/v1/replicas/offers`,
// each instance's address and manifest), then their transfers in one more (`PUT /internal/v1/replicas`: the heads
// of every transfer, each instance's address and ReplicaHeader, then every chunk they name, transfer after
// transfer), which the target stores with one commit; each answer carries one outcome per instance. An offer's
// round trip and an fsync'd commit per instance capped a target at about a hundred small instances a second; a
// batch costs about the same two round trips and one commit. Every count and length is bounded before anything is
// allocated.
import Catalog
import ObjectStore
public import Primitives

/// The wire formats of a batch of replica transfers and of its answer.
public enum ReplicaBatch {
    /// The format version the head and the answer start with.
    static let version: UInt8 = 1
    /// Most transfers in one batch.
    public static let countMax = 64
    /// Most bytes of all heads of one batch (a single header at its limit fits).
    public static let headBytesMax = 2 * ReplicaHeader.bytesMax
    /// Most bytes of one refusal's reason in an answer.
    static let reasonBytesMax = 2_000

    // MARK: - Heads

    /// The start of a batch's body: the version, the count, then each transfer's address and header.
    public static func encodeHead(_ heads: [(address: ChunkAddress, header: ReplicaHeader)]) -> [UInt8] {
        precondition((1...countMax).contains(heads.count), "a batch carries 1 to \(countMax) transfers")
        var writer = ByteWriter(capacity: 3 + heads.count * 256)
        writer.write(version)
        writer.write(UInt16(heads.count))
        for head in heads {
            writer.write(head.address)
            writer.write(contentsOf: head.header.encoded())
        }
        return writer.bytes
    }

    /// Reads a batch's heads from the start of `source`, leaving the chunks unread.
    public static func readHead(from source: inout some ByteSource) throws(ReplicaError)
        -> [(address: ChunkAddress, header: ReplicaHeader)]
    {
        let count = try readCount(from: &source, what: "transfers")
        var heads: [(address: ChunkAddress, header: ReplicaHeader)] = []
        var counting = CountingSource(inner: source)
        for index in 0..<count {
            let address = ChunkAddress(
                bytes: try ReplicaHeader.readExactly(32, from: &counting, what: "transfer \(index + 1)'s address"))
            heads.append((address, try ReplicaHeader.read(from: &counting)))
            guard counting.count <= headBytesMax else {
                throw ReplicaError(.malformed, "the batch's heads are over \(headBytesMax) bytes")
            }
        }
        source = counting.inner
        return heads
    }

    /// The chunk payload bytes that follow `header`.
    public static func chunkBytes(of header: ReplicaHeader) -> Int {
        guard let manifest = Manifest.decode(header.manifest) else { return 0 }
        return header.needs.neededPositions.reduce(0) { $0 + Int(manifest.entries[$1].length) }
    }

    // MARK: - Offers

    /// Most bytes of all manifests of one batch of offers (a manifest at its limit fits).
    public static let offerBytesMax = 2 * Manifest.bytesMax

    /// A batch of offers, `POST /internal/v1/replicas/offers`: the version, the count, then each instance's address
    /// and its manifest after the manifest's u32 length.
    public static func encodeOffers(_ offers: [(address: ChunkAddress, manifest: [UInt8])]) -> [UInt8] {
        precondition((1...countMax).contains(offers.count), "a batch carries 1 to \(countMax) offers")
        var writer = ByteWriter(capacity: 3 + offers.reduce(0) { $0 + 36 + $1.manifest.count })
        writer.write(version)
        writer.write(UInt16(offers.count))
        for offer in offers {
            writer.write(offer.address)
            writer.write(UInt32(offer.manifest.count))
            writer.write(contentsOf: offer.manifest)
        }
        return writer.bytes
    }

    /// Reads a batch of offers from `source`, each manifest's length checked before it is read.
    public static func readOffers(from source: inout some ByteSource) throws(ReplicaError)
        -> [(address: ChunkAddress, manifest: [UInt8])]
    {
        let count = try readCount(from: &source, what: "offers")
        var offers: [(address: ChunkAddress, manifest: [UInt8])] = []
        var total = 0
        for index in 0..<count {
            let head = try ReplicaHeader.readExactly(36, from: &source, what: "offer \(index + 1)'s address")
            let length = Int(head[32]) | Int(head[33]) << 8 | Int(head[34]) << 16 | Int(head[35]) << 24
            guard length <= Manifest.bytesMax else {
                throw ReplicaError(
                    .malformed, "offer \(index + 1)'s manifest of \(length) bytes is over \(Manifest.bytesMax)")
            }
            total += length
            guard total <= offerBytesMax else {
                throw ReplicaError(.malformed, "the offers' manifests are over \(offerBytesMax) bytes")
            }
            let manifest = try ReplicaHeader.readExactly(length, from: &source, what: "offer \(index + 1)'s manifest")
            offers.append((ChunkAddress(bytes: Array(head[0..<32])), manifest))
        }
        return offers
    }

    /// The version and a count of 1 to `countMax` things.
    static func readCount(from source: inout some ByteSource, what: String) throws(ReplicaError) -> Int {
        let start = try ReplicaHeader.readExactly(3, from: &source, what: "the batch's head")
        guard start[0] == version else { throw ReplicaError(.malformed, "unknown replica batch version \(start[0])") }
        let count = Int(start[1]) | Int(start[2]) << 8
        guard (1...countMax).contains(count) else {
            throw ReplicaError(.malformed, "a replica batch carries 1 to \(countMax) \(what), not \(count)")
        }
        return count
    }

    // MARK: - Answers

    /// One outcome per item of a batch: its answer's bytes (chunk needs for an offer, the holding row framed for a
    /// transfer), or the refusal's code and reason.
    public static func encodeAnswer(_ outcomes: [Result<[UInt8], ReplicaError>]) -> [UInt8] {
        var writer = ByteWriter(capacity: 3 + outcomes.count * 128)
        writer.write(version)
        writer.write(UInt16(outcomes.count))
        for outcome in outcomes {
            switch outcome {
            case .success(let bytes):
                writer.write(UInt8(0))
                writer.write(UInt32(bytes.count))
                writer.write(contentsOf: bytes)
            case .failure(let error):
                let reason = Array(error.reason.utf8.prefix(reasonBytesMax))
                writer.write(UInt8(1))
                writer.write(error.code.wireValue)
                writer.write(UInt16(reason.count))
                writer.write(contentsOf: reason)
            }
        }
        return writer.bytes
    }

    /// The outcomes of a batch of `count` items, as the target answered them, each answer at most
    /// `answerBytesMax` bytes.
    public static func decodeAnswer(_ bytes: [UInt8], count: Int, answerBytesMax: Int) throws(ReplicaError)
        -> [Result<[UInt8], ReplicaError>]
    {
        var reader = ByteReader(bytes)
        do {
            guard try reader.readUInt8() == version else { throw ReplicaError(.malformed, "unknown answer version") }
            let answered = Int(try reader.readUInt16())
            guard answered == count else {
                throw ReplicaError(.malformed, "the target answered \(answered) of \(count) items")
            }
            var outcomes: [Result<[UInt8], ReplicaError>] = []
            for _ in 0..<count {
                switch try reader.readUInt8() {
                case 0:
                    let length = Int(try reader.readUInt32())
                    guard length <= answerBytesMax else {
                        throw ReplicaError(.malformed, "an answer of \(length) bytes is over \(answerBytesMax)")
                    }
                    outcomes.append(.success(try reader.readBytes(length)))
                case 1:
                    let code = ReplicaError.Code(wireValue: try reader.readUInt8())
                    let length = Int(try reader.readUInt16())
                    guard length <= reasonBytesMax else {
                        throw ReplicaError(.malformed, "a reason of \(length) bytes")
                    }
                    let reason = String(decoding: try reader.readBytes(length), as: UTF8.self)
                    outcomes.append(.failure(ReplicaError(code, reason)))
                case let tag:
                    throw ReplicaError(.malformed, "unknown outcome tag \(tag)")
                }
            }
            guard reader.remaining == 0 else { throw ReplicaError(.malformed, "bytes after the last outcome") }
            return outcomes
        } catch let error as ReplicaError {
            throw error
        } catch {
            throw ReplicaError(.malformed, "the batch's answer is truncated: \(error)")
        }
    }
}

extension ReplicaError.Code {
    /// The code's byte in a batch answer.
    var wireValue: UInt8 {
        switch self {
        case .malformed: 1
        case .inconsistent: 2
        case .corrupt: 3
        case .unavailable: 4
        case .full: 5
        case .io: 6
        case .slow: 7
        }
    }

    /// The code of a byte in a batch answer (an unknown one reads as unavailable: try again later).
    init(wireValue: UInt8) {
        self =
            switch wireValue {
            case 1: .malformed
            case 2: .inconsistent
            case 3: .corrupt
            case 5: .full
            case 6: .io
            case 7: .slow
            default: .unavailable
            }
    }
}

/// A source that counts what was read through it.
struct CountingSource<Inner: ByteSource>: ByteSource {
    var inner: Inner
    var count = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let read = try inner.read(into: buffer)
        count += read
        return read
    }
}

/// Consecutive parts of one stream of known lengths, each read as its own source and in order: reading a later
/// part first skips what is left of the ones before (a transfer the target refused, or one whose store stopped
/// reading early), so every transfer reads its own chunks.
final class StreamSlices<Inner: ByteSource> {
    private(set) var inner: Inner
    private let lengths: [Int]
    private var current = 0
    private var consumed = 0

    init(inner: Inner, lengths: [Int]) {
        self.inner = inner
        self.lengths = lengths
    }

    /// The source of part `index`.
    func source(_ index: Int) -> Slice { Slice(slices: self, index: index) }

    /// Reads from part `index`; 0 at its end, or when it was passed already.
    func read(_ index: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard index >= current else { return 0 }
        while current < index { try skipRest() }
        let remaining = lengths[index] - consumed
        guard remaining > 0, !buffer.isEmpty else { return 0 }
        let count = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(remaining)))
        guard count > 0 else {
            throw ReplicaError(
                .malformed, "the batch ended inside transfer \(index + 1), \(remaining) bytes short of its chunks")
        }
        consumed += count
        return count
    }

    /// Skips every part not read yet.
    func finish() throws {
        while current < lengths.count { try skipRest() }
    }

    private func skipRest() throws {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { scratch.deallocate() }
        while consumed < lengths[current] {
            let count = try inner.read(
                into: UnsafeMutableRawBufferPointer(rebasing: scratch.prefix(lengths[current] - consumed)))
            guard count > 0 else {
                throw ReplicaError(.malformed, "the batch ended inside transfer \(current + 1)")
            }
            consumed += count
        }
        current += 1
        consumed = 0
    }

    /// One part as a ByteSource.
    struct Slice: ByteSource {
        let slices: StreamSlices
        let index: Int

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try slices.read(index, into: buffer) }
    }
}
