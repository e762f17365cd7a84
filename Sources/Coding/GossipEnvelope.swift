// The sealed gossip envelope: the wire format around every SWIM datagram and push-pull stream frame, sealed with
// AES-256-GCM under the cluster key. Owns the format; the plaintext's codec is Membership's.

/// A gossip message sealed under the cluster key.
///
/// Layout (version 1), all integers big-endian:
///
///     version (1) | key id (4) | nonce (12) | ciphertext (n) | tag (16)
///
/// The GCM additional data is the 17-byte header followed by the caller's `aad`, so the version, key id and nonce
/// are authenticated and a message sealed for one channel (a datagram) cannot be passed off on another (a stream
/// frame) when the two pass different `aad`. Opening checks size, version, key and tag in that order and refuses
/// with the first cause that applies; replays are the `ReplayWindow`'s to catch, after the tag verifies.
/// The version is a format constant: a new layout takes a new number and version 1 stays readable.
public enum GossipEnvelope {
    /// The format version this code writes and reads.
    public static let version: UInt8 = 1
    /// The header's length: version, key id and nonce.
    public static let headerByteCount = 1 + 4 + AESGCM.nonceByteCount
    /// The bytes an envelope adds to its plaintext: header and tag.
    public static let overheadByteCount = headerByteCount + AESGCM.tagByteCount
    /// The largest UDP payload over IPv4 (65,535 less the IP and UDP headers), the default limit for a datagram.
    public static let datagramByteCountMax = 65_507

    /// Seals `plaintext` under the keyring's primary key with `nonce`, which MUST come from the node's one
    /// `NonceSequence` (a nonce used twice under one key breaks GCM).
    ///
    /// The envelope is at most `byteCountMax` bytes; a longer one is a programmer error of the plaintext's codec,
    /// which keeps messages under the limit it was given.
    public static func seal(
        _ plaintext: [UInt8], aad: [UInt8] = [], nonce: EnvelopeNonce, keyring: ClusterKeyring,
        byteCountMax: Int = datagramByteCountMax
    ) -> [UInt8] {
        let byteCount = plaintext.count + overheadByteCount
        precondition(byteCount <= byteCountMax, "envelope of \(byteCount) bytes is over its limit of \(byteCountMax)")
        let key = keyring.primary
        var envelope = header(keyID: key.id, nonce: nonce)
        envelope.reserveCapacity(byteCount)
        let associated = envelope + aad
        envelope.append(contentsOf: repeatElement(0, count: plaintext.count + AESGCM.tagByteCount))
        let nonceBytes = nonce.bytes
        let plaintextEnd = headerByteCount + plaintext.count
        plaintext.withUnsafeBytes { input in
            key.bytes.withUnsafeBytes { keyBytes in
                nonceBytes.withUnsafeBytes { nonceBuffer in
                    associated.withUnsafeBytes { associated in
                        envelope.withUnsafeMutableBytes { output in
                            AESGCM.seal(
                                input, key: keyBytes, nonce: nonceBuffer, aad: associated,
                                ciphertext: UnsafeMutableRawBufferPointer(
                                    rebasing: output[headerByteCount..<plaintextEnd]),
                                tag: UnsafeMutableRawBufferPointer(rebasing: output[plaintextEnd...]))
                        }
                    }
                }
            }
        }
        return envelope
    }

    /// Opens `envelope` with the key its id names and returns the plaintext, or refuses it naming why.
    ///
    /// `aad` MUST be what the sender passed. Checks run cheapest first: size (`byteCountMax`, then the smallest
    /// envelope), version, key id, and last the tag; nothing of the plaintext is returned unless the tag verifies.
    public static func open(
        _ envelope: UnsafeRawBufferPointer, aad: [UInt8] = [], keyring: ClusterKeyring,
        byteCountMax: Int = datagramByteCountMax
    ) throws(EnvelopeRefusal) -> OpenedEnvelope {
        guard envelope.count <= byteCountMax else {
            throw .oversized(byteCount: envelope.count, byteCountMax: byteCountMax)
        }
        guard !envelope.isEmpty else { throw .truncated(byteCount: 0, byteCountMin: overheadByteCount) }
        guard envelope[0] == version else { throw .unknownVersion(envelope[0]) }
        guard envelope.count >= overheadByteCount else {
            throw .truncated(byteCount: envelope.count, byteCountMin: overheadByteCount)
        }
        let keyID = (1..<5).reduce(UInt32(0)) { $0 << 8 | UInt32(envelope[$1]) }
        guard let key = keyring.key(id: keyID) else { throw .unknownKey(keyID: keyID) }
        let nonceBuffer = UnsafeRawBufferPointer(rebasing: envelope[5..<headerByteCount])
        let tagStart = envelope.count - AESGCM.tagByteCount
        let associated = Array(envelope[..<headerByteCount]) + aad
        var plaintext = [UInt8](repeating: 0, count: tagStart - headerByteCount)
        let verified = key.bytes.withUnsafeBytes { keyBytes in
            associated.withUnsafeBytes { associated in
                plaintext.withUnsafeMutableBytes { output in
                    do {
                        try AESGCM.open(
                            UnsafeRawBufferPointer(rebasing: envelope[headerByteCount..<tagStart]),
                            tag: UnsafeRawBufferPointer(rebasing: envelope[tagStart...]), key: keyBytes,
                            nonce: nonceBuffer, aad: associated, plaintext: output)
                        return true
                    } catch {
                        return false
                    }
                }
            }
        }
        guard verified else { throw .authenticationFailed(keyID: keyID) }
        return OpenedEnvelope(plaintext: plaintext, keyID: keyID, nonce: EnvelopeNonce(bytes: nonceBuffer))
    }

    /// Opens `envelope`; see `open(_:aad:keyring:byteCountMax:)` on a buffer.
    public static func open(
        _ envelope: [UInt8], aad: [UInt8] = [], keyring: ClusterKeyring, byteCountMax: Int = datagramByteCountMax
    ) throws(EnvelopeRefusal) -> OpenedEnvelope {
        let result = envelope.withUnsafeBytes { buffer in
            Result { () throws(EnvelopeRefusal) in
                try open(buffer, aad: aad, keyring: keyring, byteCountMax: byteCountMax)
            }
        }
        return try result.get()
    }

    /// The header bytes for `keyID` and `nonce`.
    private static func header(keyID: UInt32, nonce: EnvelopeNonce) -> [UInt8] {
        [version] + (0..<4).map { UInt8(truncatingIfNeeded: keyID >> (24 - 8 * UInt32($0))) } + nonce.bytes
    }
}

/// What an authenticated envelope held, and the key id and nonce it was sealed with (for the replay window).
public struct OpenedEnvelope: Sendable, Equatable {
    /// The plaintext message, authenticated.
    public let plaintext: [UInt8]
    /// The id of the key that opened it.
    public let keyID: UInt32
    /// The nonce it was sealed with.
    public let nonce: EnvelopeNonce

    /// Makes the result of an opening (tests and simulated channels compare against one).
    public init(plaintext: [UInt8], keyID: UInt32, nonce: EnvelopeNonce) {
        self.plaintext = plaintext
        self.keyID = keyID
        self.nonce = nonce
    }
}
