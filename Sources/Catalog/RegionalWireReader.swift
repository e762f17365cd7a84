// A ByteReader that throws RegionalWireError, with the checks every regional message shares: the version, the end,
// and an instance UID (PS3.5 §9.1: digits in dot-separated components, at most 64 bytes).
import Primitives

/// A bounds-checked cursor over one regional catalog message.
struct RegionalWireReader {
    private var reader: ByteReader

    init(_ bytes: [UInt8]) { reader = ByteReader(bytes) }

    var offset: Int { reader.offset }

    mutating func u8() throws(RegionalWireError) -> UInt8 {
        do { return try reader.readUInt8() } catch { throw Self.truncated(error) }
    }

    mutating func u16() throws(RegionalWireError) -> UInt16 {
        do { return try reader.readUInt16() } catch { throw Self.truncated(error) }
    }

    mutating func u32() throws(RegionalWireError) -> UInt32 {
        do { return try reader.readUInt32() } catch { throw Self.truncated(error) }
    }

    mutating func u64() throws(RegionalWireError) -> UInt64 {
        do { return try reader.readUInt64() } catch { throw Self.truncated(error) }
    }

    mutating func bytes(_ count: Int) throws(RegionalWireError) -> [UInt8] {
        do { return try reader.readBytes(count) } catch { throw Self.truncated(error) }
    }

    /// Reads a length byte and a UID of that many bytes.
    mutating func instanceUID() throws(RegionalWireError) -> String {
        let start = offset
        let length = Int(try u8())
        guard (1...RegionalKey.instanceUIDBytesMax).contains(length) else {
            throw RegionalWireError(offset: start, reason: "instance UID of \(length) bytes is not 1...64")
        }
        let uid = try bytes(length)
        var componentLength = 0
        for byte in uid {
            if byte == UInt8(ascii: ".") {
                guard componentLength > 0 else { break }
                componentLength = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                componentLength += 1
            } else {
                componentLength = -1
                break
            }
        }
        guard componentLength > 0 else {
            throw RegionalWireError(offset: start + 1, reason: "instance UID is not digits in dot-separated components")
        }
        return String(decoding: uid, as: UTF8.self)
    }

    mutating func expectVersion() throws(RegionalWireError) {
        let version = try u8()
        guard version == RegionalWire.version else {
            throw RegionalWireError(
                offset: 0, reason: "unknown format version \(version) (this node reads \(RegionalWire.version))")
        }
    }

    func expectEnd() throws(RegionalWireError) {
        guard offset == reader.bytes.count else {
            throw RegionalWireError(offset: offset, reason: "\(reader.bytes.count - offset) bytes past the end")
        }
    }

    private static func truncated(_ error: ByteReaderError) -> RegionalWireError {
        RegionalWireError(offset: error.offset, reason: "truncated: \(error.description)")
    }
}
