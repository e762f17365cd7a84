// Goal: content addresses keep their bytes, order and hex form. Method: round trips over seeded random digests.
import Primitives
import TestSupport
import Testing

@Suite struct ChunkAddressTests {
    @Test("bytes and hex round-trip, and ordering follows the bytes", arguments: [1, 2, 3] as [UInt64])
    func roundTrip(seed: UInt64) {
        let first = TestBytes.random(count: 32, seed: seed)
        let second = TestBytes.random(count: 32, seed: seed + 100)
        let address = ChunkAddress(bytes: first)
        #expect(address.bytes == first)
        #expect(ChunkAddress(hex: address.hex) == address)
        #expect(ChunkAddress(hex: address.hex.uppercased()) == address)
        #expect((address < ChunkAddress(bytes: second)) == first.lexicographicallyPrecedes(second))
    }

    @Test("hex parsing rejects wrong lengths and non-hex digits")
    func rejectsBadHex() {
        #expect(ChunkAddress(hex: "abc") == nil)
        #expect(ChunkAddress(hex: String(repeating: "g", count: 64)) == nil)
        #expect(ChunkAddress(hex: String(repeating: "0", count: 65)) == nil)
    }
}

@Suite struct ByteReaderTests {
    @Test("integers written by ByteWriter read back, and reading past the end throws with the offset")
    func roundTripAndBounds() throws {
        var writer = ByteWriter()
        writer.write(UInt8(7))
        writer.write(UInt16(0xBEEF))
        writer.write(UInt32(0xDEAD_BEEF))
        writer.write(UInt64.max - 1)
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUInt8() == 7)
        #expect(try reader.readUInt16() == 0xBEEF)
        #expect(try reader.readUInt32() == 0xDEAD_BEEF)
        #expect(try reader.readUInt64() == UInt64.max - 1)
        #expect(reader.isAtEnd)
        #expect(throws: ByteReaderError(offset: 15, needed: 4, available: 0)) { try reader.readUInt32() }
    }
}
