// Several replica transfers in one request, `PUT /internal/v1/replicas`: the heads of every transfer (each
// instance's address and ReplicaHeader) first, then every chunk they name, transfer after transfer; the target
// stores them with one commit and answers one outcome per transfer. One fsync'd commit per instance capped a target
// at about a hundred small instances a second; a batch of 64 costs about the same commit. Every count and length is
// bounded before anything is allocated.
public import Catalog
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
        let start = try ReplicaHeader.readExactly(3, from: &source, what: "the batch's head")
        guard start[0] == version else { throw ReplicaError(.malformed, "unknown replica batch version \(start[0])") }
        let count = Int(start[1]) | Int(start[2]) << 8
        guard (1...countMax).contains(count) else {
            throw ReplicaError(.malformed, "a replica batch carries 1 to \(countMax) transfers, not \(count)")
        }
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

    // MARK: - Answers

    /// One outcome per transfer: the holding row framed, or the refusal's code and reason.
    public static func encodeAnswer(_ outcomes: [Result<[RegionalRow], ReplicaError>]) -> [UInt8] {
        var writer = ByteWriter(capacity: 3 + outcomes.count * 128)
        writer.write(version)
        writer.write(UInt16(outcomes.count))
        for outcome in outcomes {
            switch outcome {
            case .success(let rows):
                let framed = rows.flatMap(RegionalRowStream.frame)
                writer.write(UInt8(0))
                writer.write(UInt32(framed.count))
                writer.write(contentsOf: framed)
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

    /// The outcomes of a batch of `count` transfers, as the target answered them.
    public static func decodeAnswer(_ bytes: [UInt8], count: Int) throws(ReplicaError)
        -> [Result<[RegionalRow], ReplicaError>]
    {
        var reader = ByteReader(bytes)
        do {
            guard try reader.readUInt8() == version else { throw ReplicaError(.malformed, "unknown answer version") }
            let answered = Int(try reader.readUInt16())
            guard answered == count else {
                throw ReplicaError(.malformed, "the target answered \(answered) of \(count) transfers")
            }
            var outcomes: [Result<[RegionalRow], ReplicaError>] = []
            for _ in 0..<count {
                switch try reader.readUInt8() {
                case 0:
                    let length = Int(try reader.readUInt32())
                    guard length <= RegionalWire.rowBytesMax * 4 else {
                        throw ReplicaError(.malformed, "an acknowledgement of \(length) bytes")
                    }
                    outcomes.append(.success(try InternalAPIPeer.rows(try reader.readBytes(length))))
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
