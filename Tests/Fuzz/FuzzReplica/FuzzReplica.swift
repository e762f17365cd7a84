// libFuzzer target for replication's parsers (STYLE.md, pitfall 11): arbitrary bytes as a chunk-needs answer, an
// instance record and a replica header. What decodes must re-encode to the same bytes, and a header read from a
// stream that yields one byte at a time must equal the one read from the whole input.
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
    return 0
}
