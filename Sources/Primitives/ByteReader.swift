// Reads fixed-width little-endian integers and raw bytes from a buffer with bounds checks: the decoding half of the
// binary formats we own. Every read past the end throws, naming the offset, so hostile input cannot trap.

/// The one error a ByteReader throws: the input ended before a field did.
public struct ByteReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offset at which the field starts.
    public let offset: Int
    /// How many bytes the field needed.
    public let needed: Int
    /// How many bytes remained.
    public let available: Int

    /// Makes an error for a field at `offset` needing `needed` bytes where `available` remained.
    public init(offset: Int, needed: Int, available: Int) {
        self.offset = offset
        self.needed = needed
        self.available = available
    }

    public var description: String {
        "input ends at offset \(offset + available): a field at offset \(offset) needs \(needed) bytes"
    }
}

/// A cursor over bytes that decodes little-endian integers and refuses to read past the end.
public struct ByteReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int

    /// Makes a reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The number of bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Reads one byte.
    public mutating func readUInt8() throws(ByteReaderError) -> UInt8 { try readInteger() }

    /// Reads a little-endian 16-bit integer.
    public mutating func readUInt16() throws(ByteReaderError) -> UInt16 { try readInteger() }

    /// Reads a little-endian 32-bit integer.
    public mutating func readUInt32() throws(ByteReaderError) -> UInt32 { try readInteger() }

    /// Reads a little-endian 64-bit integer.
    public mutating func readUInt64() throws(ByteReaderError) -> UInt64 { try readInteger() }

    /// Reads a 32-byte content address.
    public mutating func readAddress() throws(ByteReaderError) -> ChunkAddress {
        try require(ChunkAddress.byteCount)
        let address = bytes.withUnsafeBytes {
            ChunkAddress(bytes: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + ChunkAddress.byteCount]))
        }
        offset += ChunkAddress.byteCount
        return address
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(ByteReaderError) -> [UInt8] {
        try require(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(ByteReaderError) {
        try require(count)
        offset += count
    }

    private func require(_ count: Int) throws(ByteReaderError) {
        guard count >= 0, count <= remaining else {
            throw ByteReaderError(offset: offset, needed: count, available: remaining)
        }
    }

    private mutating func readInteger<T: FixedWidthInteger>() throws(ByteReaderError) -> T {
        try require(MemoryLayout<T>.size)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }
}
