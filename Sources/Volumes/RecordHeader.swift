// The frame of one record in a segment file: a 64-byte little-endian header with its own CRC32C, then the payload.
// A FORMAT CONSTANT (version 1): segments written today must read in decades; a new layout gets a new version.
import Coding
public import Primitives

/// What a record holds.
public enum RecordKind: UInt8, Sendable, CaseIterable {
    /// Shard `shardIndex` of a Reed-Solomon coded chunk.
    case shard = 1
    /// A full copy of a small chunk.
    case copy = 2
    /// A full copy of a manifest.
    case manifest = 3
    /// The deletion of the manifest named by the key.
    case tombstone = 4
}

/// The framed header of a record:
/// magic u32, version u8, kind u8, shardIndex u8, dataShardCount u8, parityShardCount u8, flags u8, reserved u16,
/// key 32 bytes, objectLength u32, payloadLength u32, payloadCRC32C u32, reserved u32, headerCRC32C u32.
public struct RecordHeader: Sendable, Equatable {
    /// "TSRC" read as a little-endian word: the first four bytes of every record.
    public static let magic: UInt32 = 0x4352_5354
    /// The only header version so far.
    public static let version: UInt8 = 1
    /// Bytes in a header.
    public static let byteCount = 64
    /// The largest payload a record may carry.
    public static let payloadBytesMax = 64 << 20

    public var kind: RecordKind
    /// The chunk or manifest address the record belongs to.
    public var key: ChunkAddress
    /// Shard i of k+m for shards; copy number for copies and manifests; 0 for tombstones.
    public var shardIndex: UInt8
    /// k: 1 for copies, manifests and tombstones.
    public var dataShardCount: UInt8
    /// m.
    public var parityShardCount: UInt8
    /// The length of the whole chunk or manifest before coding.
    public var objectLength: UInt32
    /// The payload's length; set by `Volume.append`.
    public var payloadLength: UInt32
    /// The payload's CRC32C; set by `Volume.append`.
    public var payloadCRC32C: UInt32

    /// Makes a header; the payload length and CRC are filled when the record is appended.
    public init(
        kind: RecordKind, key: ChunkAddress, shardIndex: UInt8, dataShardCount: UInt8, parityShardCount: UInt8,
        objectLength: UInt32
    ) {
        self.kind = kind
        self.key = key
        self.shardIndex = shardIndex
        self.dataShardCount = dataShardCount
        self.parityShardCount = parityShardCount
        self.objectLength = objectLength
        payloadLength = 0
        payloadCRC32C = 0
    }

    /// The 64 header bytes, header CRC included.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.byteCount)
        writer.write(Self.magic)
        writer.write(Self.version)
        writer.write(kind.rawValue)
        writer.write(shardIndex)
        writer.write(dataShardCount)
        writer.write(parityShardCount)
        writer.write(UInt8(0))
        writer.write(UInt16(0))
        writer.write(key)
        writer.write(objectLength)
        writer.write(payloadLength)
        writer.write(payloadCRC32C)
        writer.write(UInt32(0))
        writer.write(CRC32C.checksum(writer.bytes))
        precondition(writer.count == Self.byteCount, "record header layout drifted")
        return writer.bytes
    }

    /// Decodes a header, or nil when the bytes are not a valid version-1 header (wrong magic, CRC or fields).
    public static func decode(_ bytes: [UInt8]) -> RecordHeader? {
        guard bytes.count == byteCount,
            CRC32C.checksum(Array(bytes[..<(byteCount - 4)]))
                == bytes.withUnsafeBytes({ $0.loadUnaligned(fromByteOffset: byteCount - 4, as: UInt32.self) })
        else { return nil }
        var reader = ByteReader(bytes)
        do {
            guard try reader.readUInt32() == magic, try reader.readUInt8() == version,
                let kind = RecordKind(rawValue: try reader.readUInt8())
            else { return nil }
            let shardIndex = try reader.readUInt8()
            let dataShardCount = try reader.readUInt8()
            let parityShardCount = try reader.readUInt8()
            try reader.skip(3)
            var header = RecordHeader(
                kind: kind, key: try reader.readAddress(), shardIndex: shardIndex, dataShardCount: dataShardCount,
                parityShardCount: parityShardCount, objectLength: 0)
            header.objectLength = try reader.readUInt32()
            header.payloadLength = try reader.readUInt32()
            header.payloadCRC32C = try reader.readUInt32()
            guard header.payloadLength <= payloadBytesMax else { return nil }
            return header
        } catch {
            return nil
        }
    }
}

/// Where a record starts: its segment number and byte offset.
public struct RecordLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let segment: UInt32
    public let offset: Int64

    /// Makes a location.
    public init(segment: UInt32, offset: Int64) {
        self.segment = segment
        self.offset = offset
    }

    public static func < (lhs: RecordLocation, rhs: RecordLocation) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }

    public var description: String { "segment \(segment) offset \(offset)" }
}

/// A record the index knows: its header and where it is.
public struct IndexEntry: Sendable, Equatable {
    public let header: RecordHeader
    public let location: RecordLocation

    /// Makes an entry.
    public init(header: RecordHeader, location: RecordLocation) {
        self.header = header
        self.location = location
    }

    /// Bytes the record takes in its segment, header included.
    public var recordBytes: Int64 { Int64(RecordHeader.byteCount) + Int64(header.payloadLength) }
}
