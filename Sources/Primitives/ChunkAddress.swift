// The content address of a chunk or manifest: its SHA-256. Owns the value type, its hex form and its byte order;
// computing the hash belongs to Coding.

/// A 32-byte SHA-256 digest naming a chunk or a manifest by its content.
///
/// Stored as four big-endian words so that `<` orders addresses exactly as their bytes would, and equality and
/// hashing cost four word compares. The byte order is a format constant: it is written in records and manifests.
public struct ChunkAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes in an address.
    public static let byteCount = 32

    /// The digest as big-endian words: `word0` holds bytes 0..<8.
    public let word0: UInt64
    public let word1: UInt64
    public let word2: UInt64
    public let word3: UInt64

    /// Makes an address from its four big-endian words.
    public init(word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }

    /// Makes an address from exactly 32 digest bytes.
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == Self.byteCount, "a chunk address is \(Self.byteCount) bytes, got \(bytes.count)")
        func word(_ index: Int) -> UInt64 {
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        self.init(word0: word(0), word1: word(1), word2: word(2), word3: word(3))
    }

    /// Makes an address from exactly 32 digest bytes.
    public init(bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { ChunkAddress(bytes: $0) }
    }

    /// Parses 64 hexadecimal digits (either case); nil for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == Self.byteCount * 2 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (position, character) in utf8.enumerated() {
            guard let nibble = Self.nibble(character) else { return nil }
            words[position / 16] = words[position / 16] << 4 | UInt64(nibble)
        }
        self.init(word0: words[0], word1: words[1], word2: words[2], word3: words[3])
    }

    /// The 64 lowercase hexadecimal digits of the digest.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(Self.byteCount * 2)
        for word in [word0, word1, word2, word3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                text.append(digits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    /// The 32 digest bytes in order.
    public var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: Self.byteCount)
        result.withUnsafeMutableBytes { write(into: $0) }
        return result
    }

    /// Writes the 32 digest bytes at the start of `buffer`, which must hold at least 32 bytes.
    public func write(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= Self.byteCount, "buffer too small for a chunk address")
        for (index, word) in [word0, word1, word2, word3].enumerated() {
            buffer.storeBytes(of: word.bigEndian, toByteOffset: index * 8, as: UInt64.self)
        }
    }

    public static func < (lhs: ChunkAddress, rhs: ChunkAddress) -> Bool {
        (lhs.word0, lhs.word1, lhs.word2, lhs.word3) < (rhs.word0, rhs.word1, rhs.word2, rhs.word3)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
