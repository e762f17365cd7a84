// Goal: a gossip envelope opens only when whole, current, under a held key and untouched, and refuses everything
// else with the right cause. Method: hostile inputs (empty, every short length, seeded random bytes, every byte of
// a valid envelope flipped, wrong version, unknown key), key rotation between sender and receiver, and the layout
// checked byte by byte.
import Coding
import Primitives
import TestSupport
import Testing

/// A fixed nonce for envelopes whose nonce does not matter to the test.
let fixedNonce = EnvelopeNonce(prefix: 0x0102_0304_0506_0708, counter: 0x090A_0B0C)

/// The refusal `open` throws for `envelope`, or nil when it opens.
func refusal(_ envelope: [UInt8], keyring: ClusterKeyring, aad: [UInt8] = [], byteCountMax: Int = 65_507)
    -> EnvelopeRefusal?
{
    do {
        _ = try GossipEnvelope.open(envelope, aad: aad, keyring: keyring, byteCountMax: byteCountMax)
        return nil
    } catch {
        return error
    }
}

@Suite struct GossipEnvelopeTests {
    let keyring = try! ClusterKeyring(primary: testKey(100))

    @Test("the envelope is version, key id, nonce, ciphertext and tag, and opens to the plaintext")
    func layoutAndRoundTrip() throws {
        let plaintext = Array("ping 42".utf8)
        let envelope = GossipEnvelope.seal(plaintext, aad: [7], nonce: fixedNonce, keyring: keyring)
        #expect(envelope.count == plaintext.count + GossipEnvelope.overheadByteCount)
        #expect(GossipEnvelope.overheadByteCount == 33)
        #expect(envelope[0] == 1)
        let id = keyring.primary.id
        #expect(Array(envelope[1..<5]) == [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: id >> $0) })
        #expect(Array(envelope[5..<17]) == Array(1...12))
        let opened = try GossipEnvelope.open(envelope, aad: [7], keyring: keyring)
        #expect(opened == OpenedEnvelope(plaintext: plaintext, keyID: id, nonce: fixedNonce))
        #expect(refusal(envelope, keyring: keyring, aad: [8]) == .authenticationFailed(keyID: id))
        let empty = GossipEnvelope.seal([], nonce: fixedNonce, keyring: keyring)
        #expect(try GossipEnvelope.open(empty, keyring: keyring).plaintext == [])
    }

    @Test("empty input and every length shorter than an envelope are refused as truncated")
    func truncated() {
        let envelope = GossipEnvelope.seal(Array("suspect".utf8), nonce: fixedNonce, keyring: keyring)
        #expect(refusal([], keyring: keyring) == .truncated(byteCount: 0, byteCountMin: 33))
        for length in 1..<GossipEnvelope.overheadByteCount {
            #expect(
                refusal(Array(envelope[..<length]), keyring: keyring) == .truncated(byteCount: length, byteCountMin: 33)
            )
        }
        for length in GossipEnvelope.overheadByteCount..<envelope.count {
            #expect(
                refusal(Array(envelope[..<length]), keyring: keyring)
                    == .authenticationFailed(keyID: keyring.primary.id))
        }
    }

    @Test("an envelope over the channel's limit is refused as oversized before anything else")
    func oversized() {
        let envelope = GossipEnvelope.seal([UInt8](repeating: 1, count: 100), nonce: fixedNonce, keyring: keyring)
        #expect(refusal(envelope, keyring: keyring, byteCountMax: 132) == .oversized(byteCount: 133, byteCountMax: 132))
        #expect(refusal(envelope, keyring: keyring, byteCountMax: 133) == nil)
        #expect(
            refusal([9] + [UInt8](repeating: 0, count: 200), keyring: keyring, byteCountMax: 100)
                == .oversized(byteCount: 201, byteCountMax: 100))
    }

    @Test("every version byte but 1 is refused as unknown")
    func unknownVersion() {
        var envelope = GossipEnvelope.seal(Array("ack".utf8), nonce: fixedNonce, keyring: keyring)
        for version in 0...255 as ClosedRange<UInt8> where version != GossipEnvelope.version {
            envelope[0] = version
            #expect(refusal(envelope, keyring: keyring) == .unknownVersion(version))
            #expect(refusal([version], keyring: keyring) == .unknownVersion(version))
        }
    }

    @Test("flipping any bit of a valid envelope gets it refused, with the cause its byte implies")
    func everyBitFlipped() {
        let envelope = GossipEnvelope.seal(
            Array("indirect ping".utf8), aad: [1, 2, 3], nonce: fixedNonce, keyring: keyring)
        for bit in 0..<envelope.count * 8 {
            let cause = refusal(flipped(envelope, bit: bit), keyring: keyring, aad: [1, 2, 3])?.cause
            switch bit / 8 {
            case 0: #expect(cause == .unknownVersion)
            case 1..<5: #expect(cause == .unknownKey)
            default: #expect(cause == .authenticationFailed)
            }
        }
    }

    @Test(
        "an envelope under a key the receiver does not hold is refused as unknown key", arguments: [1, 2] as [UInt64])
    func unknownKey(seed: UInt64) {
        let other = try! ClusterKeyring(primary: testKey(200 + seed))
        let envelope = GossipEnvelope.seal(Array("join".utf8), nonce: fixedNonce, keyring: other)
        #expect(refusal(envelope, keyring: keyring) == .unknownKey(keyID: other.primary.id))
    }

    @Test("a key id naming a held key over bytes sealed under another key fails authentication")
    func forgedKeyID() {
        let other = try! ClusterKeyring(primary: testKey(300))
        var envelope = GossipEnvelope.seal(Array("alive".utf8), nonce: fixedNonce, keyring: other)
        let id = keyring.primary.id
        for (index, shift) in [24, 16, 8, 0].enumerated() {
            envelope[1 + index] = UInt8(truncatingIfNeeded: id >> UInt32(shift))
        }
        #expect(refusal(envelope, keyring: keyring) == .authenticationFailed(keyID: id))
    }

    @Test(
        "seeded random bytes never open, and only the envelope's own causes come out", arguments: [1, 2, 3] as [UInt64])
    func randomBytes(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<2000 {
            var input = random.bytes(Int(random.next() % 200))
            if !input.isEmpty && random.next() % 2 == 0 { input[0] = GossipEnvelope.version }
            if input.count >= 5 && random.next() % 2 == 0 {
                let id = keyring.primary.id
                for index in 0..<4 { input[1 + index] = UInt8(truncatingIfNeeded: id >> UInt32(24 - 8 * index)) }
            }
            #expect(refusal(input, keyring: keyring) != nil)
        }
    }

    @Test("during a rotation a receiver holding [new, old] opens both, and one holding only [old] refuses the new")
    func rotation() throws {
        let old = try ClusterKeyring(primary: testKey(400))
        let new = old.rotated(to: testKey(401))
        let sealedOld = GossipEnvelope.seal(Array("from an old node".utf8), nonce: fixedNonce, keyring: old)
        let sealedNew = GossipEnvelope.seal(Array("from a new node".utf8), nonce: fixedNonce, keyring: new)
        #expect(try GossipEnvelope.open(sealedOld, keyring: new).plaintext == Array("from an old node".utf8))
        #expect(try GossipEnvelope.open(sealedNew, keyring: new).plaintext == Array("from a new node".utf8))
        #expect(try GossipEnvelope.open(sealedOld, keyring: old).keyID == testKey(400).id)
        #expect(refusal(sealedNew, keyring: old) == .unknownKey(keyID: testKey(401).id))
        let accepting = try old.accepting(testKey(401))
        #expect(try GossipEnvelope.open(sealedNew, keyring: accepting).keyID == testKey(401).id)
    }

    @Test("refusals describe what was wrong")
    func descriptions() {
        #expect(EnvelopeRefusal.truncated(byteCount: 3, byteCountMin: 33).description.contains("3 bytes"))
        #expect(EnvelopeRefusal.unknownKey(keyID: 0xAB).description.contains("000000ab"))
        #expect(EnvelopeRefusal.unknownVersion(9).description.contains("version 9"))
        #expect(
            GossipDropCause.allCases.map(\.description).count == Set(GossipDropCause.allCases.map(\.description)).count)
    }
}
