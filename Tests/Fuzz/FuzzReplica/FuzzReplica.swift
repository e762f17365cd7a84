// libFuzzer target for replication's parsers (STYLE.md, pitfall 11): arbitrary bytes as a chunk-needs answer, an
// instance record, a replica header, a batch's heads, a batch's answer and a chunk list. What decodes must
// re-encode to the same bytes (an answer: to bytes that decode the same), and heads read from a stream that yields
// one byte at a time must equal those read from the whole input.
import Catalog
import Primitives
import Replication

/// Yields its bytes one at a time: the smallest pieces a socket can hand a reader.
struct TrickleSource: ByteSource {
    let bytes: [UInt8]
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < bytes.count, buffer.count > 0 else { return 0 }
        buffer[0] = bytes[offset]
        offset += 1
        return 1
    }
}

/// libFuzzer's entry point: traps when a decoded value re-encodes differently or the pieces disagree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if size >= 5 {
        let count = Int(bytes[1]) | Int(bytes[2]) << 8 | Int(bytes[3]) << 16 | Int(bytes[4]) << 24
        if count <= ChunkNeeds.positionsMax, let needs = try? ChunkNeeds.decode(bytes, offeredCount: count) {
            precondition(needs.encoded() == bytes, "chunk needs re-encoded differently")
        }
    }
    if let record = try? RegionalInstanceRecord.decode(bytes) {
        precondition((try? record.encoded()) == bytes, "an instance record re-encoded differently")
    }
    var whole = MemorySource(bytes)
    var trickle = TrickleSource(bytes: bytes)
    let fromWhole = try? ReplicaHeader.read(from: &whole)
    let fromTrickle = try? ReplicaHeader.read(from: &trickle)
    precondition(fromWhole == fromTrickle, "a header read in pieces differs from one read whole")
    if let header = fromWhole {
        precondition(
            Array(header.encoded()) == Array(bytes.prefix(header.encoded().count)), "a header re-encoded differently")
    }
    var wholeBatch = MemorySource(bytes)
    var trickleBatch = TrickleSource(bytes: bytes)
    let batch = try? ReplicaBatch.readHead(from: &wholeBatch)
    let batchInPieces = try? ReplicaBatch.readHead(from: &trickleBatch)
    precondition(
        batch?.map(\.header) == batchInPieces?.map(\.header) && batch?.map(\.address) == batchInPieces?.map(\.address),
        "a batch's heads read in pieces differ from those read whole")
    if let batch {
        let encoded = ReplicaBatch.encodeHead(batch)
        precondition(encoded == Array(bytes.prefix(encoded.count)), "a batch's heads re-encoded differently")
    }
    if bytes.count >= 3 {
        let count = Int(bytes[1]) | Int(bytes[2]) << 8
        if let outcomes = try? ReplicaBatch.decodeAnswer(bytes, count: count, answerBytesMax: 1 << 20) {
            let again = try? ReplicaBatch.decodeAnswer(
                ReplicaBatch.encodeAnswer(outcomes), count: count, answerBytesMax: 1 << 20)
            precondition(again == outcomes, "a batch's answer re-encoded to bytes that decode differently")
        }
    }
    var offerSource = MemorySource(bytes)
    var offerTrickle = TrickleSource(bytes: bytes)
    let offers = try? ReplicaBatch.readOffers(from: &offerSource)
    let offersInPieces = try? ReplicaBatch.readOffers(from: &offerTrickle)
    precondition(
        offers?.map(\.manifest) == offersInPieces?.map(\.manifest)
            && offers?.map(\.address) == offersInPieces?.map(\.address),
        "offers read in pieces differ from those read whole")
    if let offers {
        let encoded = ReplicaBatch.encodeOffers(offers)
        precondition(encoded == Array(bytes.prefix(encoded.count)), "offers re-encoded differently")
    }
    if let entries = try? ChunkStream.entries(ofRequest: bytes) {
        precondition(ChunkStream.request(entries[...]) == bytes, "a chunk list re-encoded differently")
    }
    return 0
}
