// A ByteReader that throws GossipCodecError, so every decoding function in the codec has one typed error; plus the
// version and end-of-input checks every gossip format shares.
import Primitives

/// A bounds-checked cursor over gossip bytes.
struct GossipReader {
    private var reader: ByteReader

    /// Makes a reader at the start of `bytes`.
    init(_ bytes: [UInt8]) { reader = ByteReader(bytes) }

    /// The offset of the next byte.
    var offset: Int { reader.offset }

    /// Reads one byte.
    mutating func u8() throws(GossipCodecError) -> UInt8 {
        do { return try reader.readUInt8() } catch { throw Self.truncated(error) }
    }

    /// Reads a little-endian 16-bit integer.
    mutating func u16() throws(GossipCodecError) -> UInt16 {
        do { return try reader.readUInt16() } catch { throw Self.truncated(error) }
    }

    /// Reads a little-endian 32-bit integer.
    mutating func u32() throws(GossipCodecError) -> UInt32 {
        do { return try reader.readUInt32() } catch { throw Self.truncated(error) }
    }

    /// Reads a little-endian 64-bit integer.
    mutating func u64() throws(GossipCodecError) -> UInt64 {
        do { return try reader.readUInt64() } catch { throw Self.truncated(error) }
    }

    /// Reads `count` raw bytes.
    mutating func bytes(_ count: Int) throws(GossipCodecError) -> [UInt8] {
        do { return try reader.readBytes(count) } catch { throw Self.truncated(error) }
    }

    /// Reads `count` bytes as UTF-8 text straight from the buffer (no intermediate array: names are most of what a
    /// datagram holds); nil when they are not UTF-8, with the reader left after them.
    mutating func text(_ count: Int) throws(GossipCodecError) -> String? {
        let start = reader.offset
        do { try reader.skip(count) } catch { throw Self.truncated(error) }
        return reader.bytes.withUnsafeBufferPointer { buffer in
            let text = UnsafeBufferPointer(rebasing: buffer[start..<start + count])
            // ASCII (every name we write) is valid UTF-8: decode it without the generic validating path.
            if text.allSatisfy({ $0 < 0x80 }) { return String(decoding: text, as: UTF8.self) }
            return String(validating: text, as: UTF8.self)
        }
    }

    /// Reads the version byte and refuses any version but `GossipCodec.version`.
    mutating func expectVersion() throws(GossipCodecError) {
        let version = try u8()
        guard version == GossipCodec.version else {
            throw GossipCodecError(
                offset: 0, reason: "unknown format version \(version) (this node reads \(GossipCodec.version))")
        }
    }

    /// Refuses bytes after the last field.
    func expectEnd() throws(GossipCodecError) {
        guard reader.isAtEnd else {
            throw GossipCodecError(offset: reader.offset, reason: "\(reader.remaining) bytes after the last field")
        }
    }

    private static func truncated(_ error: ByteReaderError) -> GossipCodecError {
        GossipCodecError(
            offset: error.offset, reason: "truncated: a field needs \(error.needed) bytes, \(error.available) remain")
    }
}
