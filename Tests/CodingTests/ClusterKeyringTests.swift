// Goal: cluster keys and keyrings keep their contract: ids come from the key, key files round-trip and refuse bad
// lines by number, keyrings stay bounded and distinct, rotation keeps old keys openable. Method: fixed keys from
// seeded bytes, hand-written key files, and the CSPRNG only where a fresh key is the point.
import Coding
import Primitives
import TestSupport
import Testing

/// A key made of seeded bytes, the same on every run.
func testKey(_ seed: UInt64) -> ClusterKey {
    try! ClusterKey(bytes: TestBytes.random(count: AESGCM.keyByteCount, seed: seed))
}

@Suite struct ClusterKeyringTests {
    @Test("a key's id is the first four bytes of its SHA-256, and its text is canonical 44-character base64")
    func keyIDAndText() throws {
        let key = try ClusterKey(bytes: [UInt8](repeating: 0, count: 32))
        // SHA-256 of 32 zero bytes begins 66687aad.
        #expect(key.id == 0x6668_7AAD)
        #expect(key.text == String(repeating: "A", count: 43) + "=")
        #expect(key.description == "key 66687aad")
        #expect(ClusterKey(text: key.text) == key)
        let seeded = testKey(1)
        #expect(ClusterKey(text: seeded.text) == seeded)
        #expect(throws: CodingError.keyLength(byteCount: 31)) {
            try ClusterKey(bytes: [UInt8](repeating: 0, count: 31))
        }
    }

    @Test("key text that is not exactly one canonical key is refused")
    func badKeyText() {
        let good = testKey(2).text
        #expect(ClusterKey(text: String(good.dropLast())) == nil)
        #expect(ClusterKey(text: good + "=") == nil)
        #expect(ClusterKey(text: "!" + good.dropFirst()) == nil)
        #expect(ClusterKey(text: String(repeating: "A", count: 44)) == nil)
        #expect(ClusterKey(text: "") == nil)
        // 33 bytes of base64 with no padding decode, but are not a key.
        #expect(ClusterKey(text: String(repeating: "A", count: 43) + "B") == nil)
    }

    @Test("new keys from the CSPRNG differ and have the right length")
    func randomKeys() {
        let first = ClusterKey.makeRandom()
        let second = ClusterKey.makeRandom()
        #expect(first.bytes.count == AESGCM.keyByteCount)
        #expect(first != second)
        #expect(first.id != second.id)
    }

    @Test("a key file round-trips, ignores comments and blank lines, and accepts CRLF and padding")
    func keyFileRoundTrip() throws {
        let keyring = try ClusterKeyring(primary: testKey(3), older: [testKey(4), testKey(5)])
        #expect(try ClusterKeyring.parse(fileText: keyring.fileText) == keyring)
        let text = "# cluster keys\r\n\r\n  \(testKey(3).text)\t\r\n# older\n\(testKey(4).text)\n\n\(testKey(5).text)"
        #expect(try ClusterKeyring.parse(fileText: text) == keyring)
    }

    @Test("a bad key file is refused naming the line and the problem")
    func keyFileErrors() {
        let key = testKey(6).text
        #expect(throws: CodingError.keyFileEmpty) { try ClusterKeyring.parse(fileText: "# nothing\n\n") }
        #expect(
            throws: CodingError.keyFileLine(
                line: 3, reason: "not a key: expected 44 characters of base64 for 32 bytes, found 5 characters")
        ) {
            try ClusterKeyring.parse(fileText: "\(key)\n\nhello")
        }
        #expect(throws: CodingError.keyFileLine(line: 2, reason: "\(testKey(6)) appears twice")) {
            try ClusterKeyring.parse(fileText: "\(key)\n\(key)\n")
        }
        let nine = (10..<19).map { testKey($0).text }.joined(separator: "\n")
        #expect(throws: CodingError.keyFileLine(line: 9, reason: "more than 8 keys")) {
            try ClusterKeyring.parse(fileText: nine)
        }
        let huge = String(repeating: "#", count: ClusterKeyring.fileByteCountMax + 1)
        #expect(throws: CodingError.self) { try ClusterKeyring.parse(fileText: huge) }
        #expect(CodingError.keyFileLine(line: 3, reason: "x").description == "cluster key file, line 3: x")
    }

    @Test("a keyring holds at most eight distinct keys and finds each by id")
    func keyringBounds() throws {
        let keys = (20..<28).map { testKey($0) }
        let full = try ClusterKeyring(primary: keys[0], older: Array(keys.dropFirst()))
        for key in keys { #expect(full.key(id: key.id) == key) }
        #expect(full.key(id: testKey(99).id) == nil)
        #expect(throws: CodingError.keyringFull(keyCount: 9, limit: 8)) {
            try ClusterKeyring(primary: testKey(99), older: keys)
        }
        #expect(throws: CodingError.keyringDuplicate(keyID: keys[1].id)) {
            try ClusterKeyring(primary: keys[0], older: [keys[1], keys[1]])
        }
    }

    @Test("rotation puts the new key first, keeps the old ones openable, and drops the oldest past eight")
    func rotation() throws {
        var keyring = try ClusterKeyring(primary: testKey(30))
        keyring = try keyring.accepting(testKey(31))
        #expect(keyring.primary == testKey(30))
        #expect(keyring.key(id: testKey(31).id) != nil)
        keyring = keyring.rotated(to: testKey(31))
        #expect(keyring.keys == [testKey(31), testKey(30)])
        for seed in 32..<40 as Range<UInt64> { keyring = keyring.rotated(to: testKey(seed)) }
        #expect(keyring.keys.count == ClusterKeyring.keyCountMax)
        #expect(keyring.primary == testKey(39))
        #expect(keyring.key(id: testKey(30).id) == nil)
        #expect(keyring.key(id: testKey(31).id) == nil)
        #expect(keyring.key(id: testKey(32).id) != nil)
        #expect(keyring.rotated(to: testKey(35)).keys.count == ClusterKeyring.keyCountMax)
        #expect(keyring.rotated(to: testKey(35)).primary == testKey(35))
    }
}
