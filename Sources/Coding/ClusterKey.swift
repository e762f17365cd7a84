// One AES-256 cluster key and its key id, with its text form (base64) for key files. Owns no policy: which keys a
// node seals and opens with is ClusterKeyring's.
internal import COpenSSL
import Primitives

/// A 32-byte AES-256-GCM key shared by every node of a cluster, and the id envelopes name it by.
///
/// The id is the first four bytes of SHA-256 of the key, big-endian: a receiver finds the one key to try from the
/// envelope instead of trying every key, and the id reveals nothing usable about the key. `description` prints the
/// id only, never the key, so a key cannot leak into a log through string interpolation.
public struct ClusterKey: Sendable, Equatable, CustomStringConvertible {
    /// The key's bytes; exactly `AESGCM.keyByteCount` of them.
    public let bytes: [UInt8]
    /// The key id: the first four bytes of SHA-256 of `bytes`, big-endian.
    public let id: UInt32

    /// The number of characters of a key's base64 text (32 bytes with one "=" of padding).
    public static let textCharacterCount = 44

    /// Wraps `bytes` as a key; throws `CodingError.keyLength` unless there are exactly 32 of them.
    public init(bytes: [UInt8]) throws(CodingError) {
        guard bytes.count == AESGCM.keyByteCount else { throw .keyLength(byteCount: bytes.count) }
        self.bytes = bytes
        id = UInt32(truncatingIfNeeded: SHA256.hash(bytes).word0 >> 32)
    }

    /// Makes a new key from OpenSSL's CSPRNG, for `tessera cluster key rotate`.
    public static func makeRandom() -> ClusterKey {
        var bytes = [UInt8](repeating: 0, count: AESGCM.keyByteCount)
        bytes.withUnsafeMutableBytes { SecureRandom().fill($0) }
        do { return try ClusterKey(bytes: bytes) } catch { preconditionFailure("\(error)") }
    }

    /// Parses a key from its base64 text (RFC 4648 §4): exactly 44 characters that decode to 32 bytes.
    ///
    /// Only the canonical text is accepted (the one `text` prints), so a key has one spelling in every file.
    /// Returns nil for anything else; the keyring's parser names the line.
    public init?(text: String) {
        let characters = Array(text.utf8)
        guard characters.count == Self.textCharacterCount, characters.allSatisfy(Self.isBase64) else { return nil }
        var decoded = [UInt8](repeating: 0, count: Self.textCharacterCount / 4 * 3)
        let length = decoded.withUnsafeMutableBufferPointer { output in
            EVP_DecodeBlock(output.baseAddress, characters, Int32(characters.count))
        }
        guard length == Int32(decoded.count), let key = try? ClusterKey(bytes: Array(decoded[..<AESGCM.keyByteCount]))
        else { return nil }
        guard key.text == text else { return nil }
        self = key
    }

    /// The key as canonical base64 text, 44 characters.
    public var text: String {
        var output = [UInt8](repeating: 0, count: Self.textCharacterCount + 1)
        let length = output.withUnsafeMutableBufferPointer { output in
            EVP_EncodeBlock(output.baseAddress, bytes, Int32(bytes.count))
        }
        precondition(Int(length) == Self.textCharacterCount, "base64 of a key is \(Self.textCharacterCount) chars")
        return String(decoding: output[..<Int(length)], as: UTF8.self)
    }

    /// The key id as eight hexadecimal digits, how logs and errors name a key.
    public var description: String { "key " + Self.idText(id) }

    /// A key id as eight hexadecimal digits.
    public static func idText(_ id: UInt32) -> String { HexText.padded(UInt64(id), digits: 8) }

    /// Whether `character` belongs to the base64 alphabet or is its padding.
    private static func isBase64(_ character: UInt8) -> Bool {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default: false
        }
    }
}
