// Whole objects from another holder in one answer, `POST /internal/v1/objects`: the request names up to 1,024
// objects by their manifests' addresses, the answer carries each object's manifest (after its u32 length) and then
// its chunks, object after object. A WADO-RS read of a study held elsewhere asks for a run of its instances at once,
// so the holder reads and sends the next instances while this node verifies and forwards the last (TCP's buffers
// between them); one object at a time, each waited for, left both nodes idle half the time. The reader checks every
// manifest and chunk as it arrives, and holds one chunk at a time.
import ObjectStore
public import Primitives

/// The answer to an objects request, read a manifest or a chunk at a time.
public struct ObjectStream {
    /// Most objects one request names.
    public static let countMax = 1_024
    /// The format version a request starts with.
    static let version: UInt8 = 1
    /// The manifest length that marks an object the holder does not have (nothing else follows for it).
    public static let notHeld = UInt32.max
    /// Most bytes of manifests one answer carries (the reader asks for fewer objects when it would be more).
    public static let manifestBytesMax = 64 << 20

    private var body: any ByteSource

    /// The answer in `body`.
    public init(body: any ByteSource) { self.body = body }

    /// The request naming `addresses`.
    public static func request(_ addresses: [ChunkAddress]) -> [UInt8] {
        precondition((1...countMax).contains(addresses.count), "an objects request names 1 to \(countMax) objects")
        var writer = ByteWriter(capacity: 3 + 32 * addresses.count)
        writer.write(version)
        writer.write(UInt16(addresses.count))
        for address in addresses { writer.write(address) }
        return writer.bytes
    }

    /// The addresses a request names; throws `ReplicaError(.malformed)` naming what is wrong.
    public static func addresses(ofRequest bytes: [UInt8]) throws(ReplicaError) -> [ChunkAddress] {
        guard bytes.count >= 3, bytes[0] == version else {
            throw ReplicaError(.malformed, "an objects request starts with version \(version) and a count")
        }
        let count = Int(bytes[1]) | Int(bytes[2]) << 8
        guard (1...countMax).contains(count), bytes.count == 3 + 32 * count else {
            throw ReplicaError(
                .malformed, "an objects request names 1 to \(countMax) objects in \(bytes.count) bytes, not \(count)")
        }
        return (0..<count).map { ChunkAddress(bytes: Array(bytes[(3 + 32 * $0)..<(35 + 32 * $0)])) }
    }

    /// The next object's manifest bytes (checked by the caller against its address); nil when the holder does not
    /// have that object.
    public mutating func manifest() throws -> [UInt8]? {
        let head = try read(4, what: "a manifest's length")
        let length = Int(head[0]) | Int(head[1]) << 8 | Int(head[2]) << 16 | Int(head[3]) << 24
        if length == Int(Self.notHeld) { return nil }
        guard length <= Manifest.bytesMax else {
            throw ReplicaError(.malformed, "a manifest of \(length) bytes is over \(Manifest.bytesMax)")
        }
        return try read(length, what: "a manifest")
    }

    /// The next chunk's bytes, `length` of them (checked by the caller against its address).
    public mutating func chunk(length: Int) throws -> [UInt8] { try read(length, what: "a chunk") }

    /// Checks that the answer ended after the last object.
    public mutating func finish() throws {
        try expectEnd(of: &body, asked: "objects")
    }

    /// Exactly `count` bytes; `ReplicaError(.unavailable)` when the answer ends first (the holder failed mid-way).
    private mutating func read(_ count: Int, what: String) throws -> [UInt8] {
        let bytes = try readUpTo(count, from: &body)
        guard bytes.count == count else {
            throw ReplicaError(.unavailable, "the answer ended inside \(what) (\(bytes.count) of \(count) bytes)")
        }
        return bytes
    }
}
