// The gate every gossip datagram and stream frame passes: seal outgoing plaintext, open incoming envelopes, drop
// replays, count drops per cause and decide which drops to log. Pure: `now` and randomness come in as arguments.
public import Primitives

/// A node's gossip security state: keyring, nonce sequence, replay window, drop counters and log throttle.
///
/// The membership driver calls `seal` before every send and `open` on every receive; the plaintext on both sides
/// is the `Membership` codec's. Replacing `keyring` (a key rotation or a config reload) takes effect on the next
/// call, with no restart. Issue 11, "Security of gossip".
public struct GossipGate: Sendable {
    /// The keys this node seals and opens with; replace it to rotate.
    public var keyring: ClusterKeyring
    /// The largest envelope accepted or sent on this channel, in bytes.
    public let byteCountMax: Int
    /// Drops so far, per cause.
    public private(set) var dropCounts = GossipDropCounts()
    /// The nonces opened recently.
    public private(set) var replayWindow: ReplayWindow
    /// Which drops get a log line.
    public private(set) var logThrottle: LogThrottle<DatagramAddress>
    /// The node's one nonce sequence, for every seal under every key.
    private var nonces: NonceSequence

    /// Makes a gate; `random` draws the first nonce prefix (`SecureRandom` in production, seeded in simulation).
    public init(
        keyring: ClusterKeyring, byteCountMax: Int = GossipEnvelope.datagramByteCountMax,
        replayWindow: ReplayWindow = ReplayWindow(), logThrottle: LogThrottle<DatagramAddress> = LogThrottle(),
        using random: inout some RandomNumberGenerator
    ) {
        precondition(byteCountMax > GossipEnvelope.overheadByteCount, "a gossip limit must leave room for a message")
        self.keyring = keyring
        self.byteCountMax = byteCountMax
        self.replayWindow = replayWindow
        self.logThrottle = logThrottle
        nonces = NonceSequence(using: &random)
    }

    /// The longest plaintext that fits in one envelope on this channel.
    public var plaintextByteCountMax: Int { byteCountMax - GossipEnvelope.overheadByteCount }

    /// Seals `plaintext` (at most `plaintextByteCountMax` bytes) under the primary key with the next nonce.
    public mutating func seal(_ plaintext: [UInt8], aad: [UInt8] = [], using random: inout some RandomNumberGenerator)
        -> [UInt8]
    {
        GossipEnvelope.seal(
            plaintext, aad: aad, nonce: nonces.next(using: &random), keyring: keyring, byteCountMax: byteCountMax)
    }

    /// Opens an envelope from `sender` received at `now`: the plaintext, or the refusal with whether to log it.
    public mutating func open(
        _ envelope: UnsafeRawBufferPointer, aad: [UInt8] = [], from sender: DatagramAddress, now: Instant
    )
        -> GossipVerdict
    {
        let refusal: EnvelopeRefusal
        do {
            let opened = try GossipEnvelope.open(envelope, aad: aad, keyring: keyring, byteCountMax: byteCountMax)
            if replayWindow.admit(keyID: opened.keyID, nonce: opened.nonce, now: now) { return .accepted(opened) }
            refusal = .replayed(keyID: opened.keyID, nonce: opened.nonce)
        } catch {
            refusal = error
        }
        dropCounts.record(refusal.cause)
        return .dropped(refusal, shouldLog: logThrottle.shouldLog(sender: sender, now: now))
    }

    /// Opens an envelope from `sender` received at `now`; see the buffer form.
    public mutating func open(_ envelope: [UInt8], aad: [UInt8] = [], from sender: DatagramAddress, now: Instant)
        -> GossipVerdict
    {
        envelope.withUnsafeBytes { open($0, aad: aad, from: sender, now: now) }
    }
}

/// What the gate decided about one incoming envelope.
public enum GossipVerdict: Sendable, Equatable {
    /// Authenticated and new: hand the plaintext to the membership codec.
    case accepted(OpenedEnvelope)
    /// Dropped and counted; log `refusal` with the sender only when `shouldLog` (once a minute per sender).
    case dropped(EnvelopeRefusal, shouldLog: Bool)
}
