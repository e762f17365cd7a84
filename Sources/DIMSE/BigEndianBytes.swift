// The upper layer's integers are big-endian (PS3.8 §9.3.1), while ByteReader and ByteWriter speak little-endian for
// our own formats: these helpers turn one into the other, and nothing else in the module swaps bytes.
import Primitives

extension ByteReader {
    /// Reads a big-endian 16-bit integer.
    mutating func readBigEndianUInt16() throws(ByteReaderError) -> UInt16 { try readUInt16().byteSwapped }

    /// Reads a big-endian 32-bit integer.
    mutating func readBigEndianUInt32() throws(ByteReaderError) -> UInt32 { try readUInt32().byteSwapped }
}

extension ByteWriter {
    /// Writes a big-endian 16-bit integer.
    mutating func writeBigEndian(_ value: UInt16) { write(value.byteSwapped) }

    /// Writes a big-endian 32-bit integer.
    mutating func writeBigEndian(_ value: UInt32) { write(value.byteSwapped) }
}
