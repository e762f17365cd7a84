// Goal: AES-256-GCM seals to the published values and refuses every altered message. Method: the AES-256 test cases
// 13–16 of McGrew and Viega's GCM specification (the same ones NIST's validation uses), then every bit of ciphertext,
// tag, nonce, additional data and key flipped one at a time, each of which must fail authentication.
import Coding
import Primitives
import Testing

/// The bytes a hexadecimal string spells; stops the test on a malformed literal.
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count % 2 == 0, "odd hex literal")
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}

/// One published GCM test case: key, nonce, plaintext, additional data, ciphertext and tag.
struct GCMVector: Sendable, CustomStringConvertible {
    let name: String
    let key: String
    let nonce: String
    let plaintext: String
    let aad: String
    let ciphertext: String
    let tag: String
    var description: String { name }
}

/// The shared key of test cases 15 and 16.
private let vectorKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
/// The shared plaintext prefix of test cases 15 and 16 (60 bytes; case 15 adds four more).
private let vectorPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
/// The shared ciphertext prefix of test cases 15 and 16.
private let vectorCiphertext =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"

/// McGrew–Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, test cases 13–16 (AES-256, 96-bit IV).
let gcmVectors: [GCMVector] = [
    GCMVector(
        name: "case 13: empty plaintext, no aad", key: String(repeating: "00", count: 32),
        nonce: String(repeating: "00", count: 12), plaintext: "", aad: "", ciphertext: "",
        tag: "530f8afbc74536b9a963b4f1c4cb738b"),
    GCMVector(
        name: "case 14: one zero block", key: String(repeating: "00", count: 32),
        nonce: String(repeating: "00", count: 12), plaintext: String(repeating: "00", count: 16), aad: "",
        ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
    GCMVector(
        name: "case 15: four blocks, no aad", key: vectorKey, nonce: "cafebabefacedbaddecaf888",
        plaintext: vectorPlaintext + "1aafd255", aad: "", ciphertext: vectorCiphertext + "898015ad",
        tag: "b094dac5d93471bdec1a502270e3cc6c"),
    GCMVector(
        name: "case 16: partial last block, 20 bytes of aad", key: vectorKey, nonce: "cafebabefacedbaddecaf888",
        plaintext: vectorPlaintext, aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2", ciphertext: vectorCiphertext,
        tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
]

@Suite struct AESGCMTests {
    @Test("seal gives the published ciphertext and tag, and open gives the plaintext back", arguments: gcmVectors)
    func publishedVectors(vector: GCMVector) throws {
        let key = bytes(hex: vector.key)
        let nonce = bytes(hex: vector.nonce)
        let aad = bytes(hex: vector.aad)
        let sealed = AESGCM.seal(bytes(hex: vector.plaintext), key: key, nonce: nonce, aad: aad)
        #expect(sealed == bytes(hex: vector.ciphertext + vector.tag))
        #expect(try AESGCM.open(sealed, key: key, nonce: nonce, aad: aad) == bytes(hex: vector.plaintext))
    }

    @Test("flipping any one bit of ciphertext, tag, nonce, aad or key fails authentication")
    func everyBitFlipFails() {
        let vector = gcmVectors[3]
        let key = bytes(hex: vector.key)
        let nonce = bytes(hex: vector.nonce)
        let aad = bytes(hex: vector.aad)
        let sealed = bytes(hex: vector.ciphertext + vector.tag)
        var refusals = 0
        var attempts = 0
        func expectRefused(_ sealed: [UInt8], _ key: [UInt8], _ nonce: [UInt8], _ aad: [UInt8]) {
            attempts += 1
            do {
                _ = try AESGCM.open(sealed, key: key, nonce: nonce, aad: aad)
            } catch {
                if error == .authenticationFailed { refusals += 1 }
            }
        }
        for bit in 0..<sealed.count * 8 { expectRefused(flipped(sealed, bit: bit), key, nonce, aad) }
        for bit in 0..<nonce.count * 8 { expectRefused(sealed, key, flipped(nonce, bit: bit), aad) }
        for bit in 0..<aad.count * 8 { expectRefused(sealed, key, nonce, flipped(aad, bit: bit)) }
        for bit in 0..<key.count * 8 { expectRefused(sealed, flipped(key, bit: bit), nonce, aad) }
        #expect(attempts == (sealed.count + nonce.count + aad.count + key.count) * 8)
        #expect(refusals == attempts)
    }

    @Test("a message cut short, extended, or opened with extra or missing aad fails authentication")
    func wrongLengthsFail() {
        let key = [UInt8](repeating: 7, count: AESGCM.keyByteCount)
        let nonce = [UInt8](repeating: 9, count: AESGCM.nonceByteCount)
        let sealed = AESGCM.seal(Array("membership".utf8), key: key, nonce: nonce, aad: [1, 2])
        #expect(throws: CodingError.authenticationFailed) {
            try AESGCM.open(Array(sealed.dropLast()), key: key, nonce: nonce, aad: [1, 2])
        }
        #expect(throws: CodingError.authenticationFailed) {
            try AESGCM.open(sealed + [0], key: key, nonce: nonce, aad: [1, 2])
        }
        #expect(throws: CodingError.authenticationFailed) { try AESGCM.open(sealed, key: key, nonce: nonce, aad: [1]) }
        #expect(throws: CodingError.authenticationFailed) { try AESGCM.open(sealed, key: key, nonce: nonce) }
        #expect(throws: CodingError.authenticationFailed) { try AESGCM.open([1, 2, 3], key: key, nonce: nonce) }
        #expect(throws: Never.self) { try AESGCM.open(sealed, key: key, nonce: nonce, aad: [1, 2]) }
    }
}

/// `bytes` with bit `bit` (counting from the first byte's low bit) inverted.
func flipped(_ bytes: [UInt8], bit: Int) -> [UInt8] {
    var copy = bytes
    copy[bit / 8] ^= 1 << UInt8(bit % 8)
    return copy
}
