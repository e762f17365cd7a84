// Appends fixed-width little-endian integers and raw bytes to a growing buffer: the encoding half of every binary
// format we own (records, manifests, later gossip). Decoding is ByteReader.

/// A growable byte buffer that encodes integers little-endian.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Makes an empty writer, reserving `capacity` bytes up front.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written so far.
    public var count: Int { bytes.count }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends a 16-bit integer, little-endian.
    public mutating func write(_ value: UInt16) { writeInteger(value) }

    /// Appends a 32-bit integer, little-endian.
    public mutating func write(_ value: UInt32) { writeInteger(value) }

    /// Appends a 64-bit integer, little-endian.
    public mutating func write(_ value: UInt64) { writeInteger(value) }

    /// Appends a content address as its 32 bytes.
    public mutating func write(_ address: ChunkAddress) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: ChunkAddress.byteCount))
        bytes.withUnsafeMutableBytes { address.write(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    /// Appends raw bytes.
    public mutating func write(contentsOf data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// Overwrites one byte at `offset`, which must already be written (a count known only after what it counts).
    public mutating func overwrite(_ value: UInt8, at offset: Int) {
        precondition(offset >= 0 && offset < bytes.count, "overwrite past the written bytes")
        bytes[offset] = value
    }

    /// Overwrites a 32-bit integer at `offset`, which must already be written (used for back-patched lengths/CRCs).
    public mutating func overwrite(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "overwrite past the written bytes")
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self) }
    }

    private mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
