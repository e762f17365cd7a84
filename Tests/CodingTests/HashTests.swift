// Goal: SHA-256 and CRC32C give the published values and do not depend on how input is split.
// Method: known vectors, then seeded random splits against the one-shot result.
import Coding
import Primitives
import TestSupport
import Testing

@Suite struct HashTests {
    @Test("SHA-256 of the standard vectors")
    func sha256Vectors() {
        #expect(SHA256.hash([]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var hasher = SHA256()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(block) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("incremental SHA-256 equals one-shot over random splits", arguments: [1, 2, 3] as [UInt64])
    func sha256Splits(seed: UInt64) {
        let bytes = TestBytes.random(count: 100_003, seed: seed)
        var random = SeededRandom(seed: seed)
        var hasher = SHA256()
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, Int(random.next() % 5000))
            hasher.update(Array(bytes[offset..<offset + count]))
            offset += count
        }
        #expect(hasher.finalize() == SHA256.hash(bytes))
    }

    @Test("CRC32C of the standard vectors and continuation across pieces")
    func crc32c() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([]) == 0)
        let bytes = TestBytes.random(count: 10_000, seed: 9)
        for cut in [0, 1, 4999, 10_000] {
            let first = CRC32C.checksum(Array(bytes[..<cut]))
            #expect(CRC32C.checksum(Array(bytes[cut...]), continuing: first) == CRC32C.checksum(bytes))
        }
    }
}
