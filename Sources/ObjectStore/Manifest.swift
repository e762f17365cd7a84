// The manifest of an object: its length and the ordered list of its chunks. A FORMAT CONSTANT (version 1); its
// SHA-256 is the object's address.
public import Primitives

/// One chunk of an object.
public struct ManifestEntry: Sendable, Equatable {
    public let address: ChunkAddress
    public let length: UInt32

    /// Makes an entry.
    public init(address: ChunkAddress, length: UInt32) {
        self.address = address
        self.length = length
    }
}

/// An object's chunk list: magic "TMAN", version u8, 3 reserved bytes, total length u64, chunk count u32, then per
/// chunk its 32-byte address and u32 length.
public struct Manifest: Sendable, Equatable {
    static let magic: UInt32 = 0x4E41_4D54
    static let version: UInt8 = 1
    /// Bytes before the entries.
    public static let headerBytes = 20
    /// Bytes of each entry.
    public static let entryBytes = ChunkAddress.byteCount + 4
    /// The largest manifest accepted: about 466,000 chunks, some 450 GiB at the default chunk size.
    public static let bytesMax = 16 << 20

    /// The object's length in bytes.
    public let length: UInt64
    /// The chunks in order.
    public let entries: [ManifestEntry]

    /// Makes a manifest.
    public init(length: UInt64, entries: [ManifestEntry]) {
        self.length = length
        self.entries = entries
    }

    /// The encoded bytes.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.headerBytes + entries.count * Self.entryBytes)
        writer.write(Self.magic)
        writer.write(Self.version)
        writer.write(contentsOf: [0, 0, 0])
        writer.write(length)
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.write(entry.address)
            writer.write(entry.length)
        }
        return writer.bytes
    }

    /// Decodes a manifest; nil when the bytes are not a consistent version-1 manifest.
    public static func decode(_ bytes: [UInt8]) -> Manifest? {
        guard bytes.count <= bytesMax else { return nil }
        var reader = ByteReader(bytes)
        do {
            guard try reader.readUInt32() == magic, try reader.readUInt8() == version else { return nil }
            try reader.skip(3)
            let length = try reader.readUInt64()
            let count = Int(try reader.readUInt32())
            guard count * entryBytes == reader.remaining else { return nil }
            var entries: [ManifestEntry] = []
            entries.reserveCapacity(count)
            var total: UInt64 = 0
            for _ in 0..<count {
                let entry = ManifestEntry(address: try reader.readAddress(), length: try reader.readUInt32())
                total += UInt64(entry.length)
                entries.append(entry)
            }
            return total == length ? Manifest(length: length, entries: entries) : nil
        } catch {
            return nil
        }
    }
}
