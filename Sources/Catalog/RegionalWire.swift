// The regional catalog's wire formats between nodes: a row, the digests of a level of the tree, and the requests
// for them. Versioned, little-endian, every count and length bounded before anything is allocated; a peer is
// authenticated (mTLS) but its bytes are still input.
import Primitives

/// Encoders and decoders of regional catalog messages.
public enum RegionalWire {
    /// The format version every message starts with.
    public static let version: UInt8 = 1
    /// Largest encoded row: the fixed fields, a 64-byte UID and the largest payload.
    public static let rowBytesMax = RegionalRow.payloadBytesMax + 128
    /// Most parents or buckets one request names (a whole level under one parent at depth 2).
    public static let indicesMax = 256

    // MARK: - Rows

    /// The bytes of `row` (one frame's body; `RegionalRowStream` frames them).
    public static func encode(_ row: RegionalRow) -> [UInt8] {
        var writer = ByteWriter(capacity: 96 + row.payload.count)
        writer.write(version)
        writer.write(row.key.kind.rawValue)
        writer.write(UInt8(row.key.instanceUID.utf8.count))
        writer.write(contentsOf: row.key.instanceUID.utf8)
        if let holder = row.key.holder { writer.write(holder.rawValue) }
        writer.write(UInt64(bitPattern: row.version.clockValue))
        writer.write(row.version.nodeID.rawValue)
        writer.write(UInt8(row.isTombstone ? 1 : 0))
        writer.write(UInt32(row.payload.count))
        writer.write(contentsOf: row.payload)
        return writer.bytes
    }

    /// Decodes one row's bytes, all of them.
    public static func decodeRow(_ bytes: [UInt8]) throws(RegionalWireError) -> RegionalRow {
        guard bytes.count <= rowBytesMax else {
            throw RegionalWireError(offset: 0, reason: "row of \(bytes.count) bytes exceeds \(rowBytesMax)")
        }
        var reader = RegionalWireReader(bytes)
        try reader.expectVersion()
        let kindOffset = reader.offset
        guard let kind = RegionalKey.Kind(rawValue: try reader.u8()) else {
            throw RegionalWireError(offset: kindOffset, reason: "unknown row kind")
        }
        let uid = try reader.instanceUID()
        let key: RegionalKey =
            switch kind {
            case .instance: .instance(uid)
            case .holding: .holding(uid, by: NodeID(try reader.u64()))
            }
        let clockOffset = reader.offset
        let clock = Int64(bitPattern: try reader.u64())
        guard clock >= 0, clock >> 16 <= HLCTimestamp.physicalMillisecondsMax else {
            throw RegionalWireError(offset: clockOffset, reason: "version time \(clock >> 16) ms is out of range")
        }
        let version = HLCTimestamp(clockValue: clock, nodeID: NodeID(try reader.u64()))
        let flagsOffset = reader.offset
        let flags = try reader.u8()
        guard flags <= 1 else { throw RegionalWireError(offset: flagsOffset, reason: "unknown flags \(flags)") }
        let lengthOffset = reader.offset
        let length = Int(try reader.u32())
        guard length <= RegionalRow.payloadBytesMax else {
            throw RegionalWireError(
                offset: lengthOffset, reason: "payload of \(length) bytes exceeds \(RegionalRow.payloadBytesMax)")
        }
        guard length == 0 || (flags == 0 && kind == .instance) else {
            throw RegionalWireError(offset: lengthOffset, reason: "a tombstone or a holding carries no payload")
        }
        let payload = try reader.bytes(length)
        try reader.expectEnd()
        return flags == 1 ? .tombstone(key, version: version) : .live(key, version: version, payload: payload)
    }

    // MARK: - Digests and requests

    /// The digests a peer asked for (`RegionalDigestTree.children(of:atLevel:)`).
    public static func encodeDigests(_ digests: [RegionalFingerprint]) -> [UInt8] {
        precondition(digests.count <= RegionalDigestTree.fanout * indicesMax, "too many digests for one message")
        var writer = ByteWriter(capacity: 3 + 16 * digests.count)
        writer.write(version)
        writer.write(UInt16(digests.count))
        for digest in digests {
            writer.write(digest.high)
            writer.write(digest.low)
        }
        return writer.bytes
    }

    /// Decodes digests; there MUST be exactly `expectedCount` (what was asked for).
    public static func decodeDigests(
        _ bytes: [UInt8], expectedCount: Int
    ) throws(RegionalWireError) -> [RegionalFingerprint] {
        var reader = RegionalWireReader(bytes)
        try reader.expectVersion()
        let count = Int(try reader.u16())
        guard count == expectedCount else {
            throw RegionalWireError(offset: 1, reason: "\(count) digests where \(expectedCount) were asked for")
        }
        var digests: [RegionalFingerprint] = []
        digests.reserveCapacity(count)
        for _ in 0..<count { digests.append(RegionalFingerprint(high: try reader.u64(), low: try reader.u64())) }
        try reader.expectEnd()
        return digests
    }

    /// A request for the children of `parents` at `level`, or (level = depth) for the rows of buckets `parents`.
    public static func encodeRequest(level: Int, indices: [Int]) -> [UInt8] {
        precondition((0...RegionalDigestTree.depth).contains(level) && indices.count <= indicesMax, "a valid request")
        var writer = ByteWriter(capacity: 4 + 2 * indices.count)
        writer.write(version)
        writer.write(UInt8(level))
        writer.write(UInt16(indices.count))
        for index in indices { writer.write(UInt16(index)) }
        return writer.bytes
    }

    /// Decodes a request: its level, and its indices, each within that level and in increasing order.
    public static func decodeRequest(_ bytes: [UInt8]) throws(RegionalWireError) -> (level: Int, indices: [Int]) {
        var reader = RegionalWireReader(bytes)
        try reader.expectVersion()
        let level = Int(try reader.u8())
        guard level <= RegionalDigestTree.depth else {
            throw RegionalWireError(offset: 1, reason: "level \(level) is below the buckets")
        }
        let count = Int(try reader.u16())
        guard count <= indicesMax else {
            throw RegionalWireError(offset: 2, reason: "\(count) indices exceed \(indicesMax)")
        }
        var width = 1
        for _ in 0..<level { width *= RegionalDigestTree.fanout }
        var indices: [Int] = []
        for _ in 0..<count {
            let offset = reader.offset
            let index = Int(try reader.u16())
            guard index < width && (indices.last ?? -1) < index else {
                throw RegionalWireError(
                    offset: offset, reason: "index \(index) is out of order or past the \(width) of level \(level)")
            }
            indices.append(index)
        }
        try reader.expectEnd()
        return (level, indices)
    }
}
