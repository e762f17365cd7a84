// libFuzzer target for the gossip envelope (STYLE.md, pitfall 11): hostile bytes must be refused with one of the
// envelope's own causes and never crash, and whatever is sealed must open to itself and to nothing once altered.
import Coding
import Primitives

/// The keyring every input is opened with: a fixed primary key and one older key, so both lookups run.
private let keyring: ClusterKeyring = {
    do {
        let primary = try ClusterKey(bytes: (0..<32).map { UInt8($0) })
        let older = try ClusterKey(bytes: (0..<32).map { UInt8(255 - $0) })
        return try ClusterKeyring(primary: primary, older: [older])
    } catch {
        preconditionFailure("the fuzz keyring is fixed and valid: \(error)")
    }
}()

/// libFuzzer's entry point: opens the input as an envelope (only an EnvelopeRefusal may come out; random bytes
/// never authenticate), then seals it as plaintext, checks it opens to itself, and that a flipped byte is refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let opened = try GossipEnvelope.open(input, keyring: keyring)
        preconditionFailure("unsealed bytes opened as an envelope under \(ClusterKey.idText(opened.keyID))")
    } catch {
        precondition(GossipDropCause.allCases.contains(error.cause), "unknown refusal \(error)")
    }
    guard input.count + GossipEnvelope.overheadByteCount <= GossipEnvelope.datagramByteCountMax else { return 0 }
    var random = SeededRandom(seed: UInt64(size))
    var nonces = NonceSequence(using: &random)
    let aad = Array(input.prefix(3))
    let envelope = GossipEnvelope.seal(input, aad: aad, nonce: nonces.next(using: &random), keyring: keyring)
    do {
        let opened = try GossipEnvelope.open(envelope, aad: aad, keyring: keyring)
        precondition(opened.plaintext == input, "an envelope opened to other bytes than were sealed")
    } catch {
        preconditionFailure("a fresh envelope was refused: \(error)")
    }
    var altered = envelope
    let position = Int(random.next() % UInt64(envelope.count))
    altered[position] ^= UInt8(truncatingIfNeeded: random.next() | 1)
    do {
        _ = try GossipEnvelope.open(altered, aad: aad, keyring: keyring)
        preconditionFailure("an envelope with byte \(position) altered still opened")
    } catch {
        return 0
    }
}
