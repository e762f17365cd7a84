// The replay window of gossip envelopes: which (key id, nonce) pairs were opened in the last few minutes. Pure,
// with `now` as an argument. It lives in Coding beside the envelope whose nonces it keys on; Membership stays pure.
public import Primitives

/// Remembers the nonces of authenticated envelopes for a window of time and tells a replay from a new message.
///
/// Keyed by key id and nonce, not by sender: the sender is unknown until the plaintext is decoded, and a nonce is
/// unique per key across the whole cluster (`NonceSequence`). Only envelopes whose tag verified are recorded, so
/// forged traffic cannot fill the window. Memory is bounded by `nonceCountMax`: when full, the oldest nonce is
/// forgotten before its window ends and `evictedCount` grows; a replay of that one message would then pass, which
/// SWIM tolerates as it tolerates UDP's own duplicates (incarnation numbers make old news harmless, SWIM §4.2).
/// The same holds for any replay older than the window. Time going backwards only keeps nonces longer.
public struct ReplayWindow: Sendable {
    /// The default window: two minutes.
    public static let windowTicksDefault = 120 * Instant.ticksPerSecond
    /// The default cap on remembered nonces: about 546 envelopes a second over the default window.
    public static let nonceCountMaxDefault = 65_536

    /// How long a nonce is remembered, in ticks.
    public let windowTicks: Int64
    /// The most nonces remembered at once.
    public let nonceCountMax: Int
    /// Nonces forgotten early because the window was full.
    public private(set) var evictedCount: UInt64 = 0

    /// One remembered nonce.
    private struct Stamp: Hashable {
        let keyID: UInt32
        let nonce: EnvelopeNonce
    }

    /// The remembered stamps, for lookup.
    private var seen: Set<Stamp> = []
    /// The same stamps with the instant each was recorded, oldest at `head`: a ring once it holds `nonceCountMax`.
    private var ring: [(stamp: Stamp, recorded: Instant)] = []
    /// The index of the oldest entry in `ring`.
    private var head = 0

    /// Makes an empty window of `windowTicks` remembering at most `nonceCountMax` nonces.
    public init(windowTicks: Int64 = windowTicksDefault, nonceCountMax: Int = nonceCountMaxDefault) {
        precondition(windowTicks > 0, "a replay window must last more than zero ticks")
        precondition(nonceCountMax > 0, "a replay window must remember at least one nonce")
        self.windowTicks = windowTicks
        self.nonceCountMax = nonceCountMax
    }

    /// The number of nonces remembered now.
    public var count: Int { seen.count }

    /// Records the nonce of an authenticated envelope at `now`; false (and nothing recorded) when it was already
    /// seen under the same key within the window: a replay or a duplicate, to drop.
    public mutating func admit(keyID: UInt32, nonce: EnvelopeNonce, now: Instant) -> Bool {
        expire(now: now)
        let stamp = Stamp(keyID: keyID, nonce: nonce)
        guard !seen.contains(stamp) else { return false }
        if seen.count == nonceCountMax {
            seen.remove(ring[head].stamp)
            ring[head] = (stamp, now)
            head = (head + 1) % nonceCountMax
            evictedCount += 1
        } else if ring.count < nonceCountMax {
            ring.append((stamp, now))
        } else {
            ring[(head + seen.count) % nonceCountMax] = (stamp, now)
        }
        seen.insert(stamp)
        return true
    }

    /// Forgets every nonce recorded `windowTicks` or more before `now`.
    private mutating func expire(now: Instant) {
        while !seen.isEmpty, now.ticks(since: ring[head].recorded) >= windowTicks {
            seen.remove(ring[head].stamp)
            head = ring.count == nonceCountMax ? (head + 1) % nonceCountMax : head + 1
            if seen.isEmpty && ring.count < nonceCountMax {
                ring.removeAll(keepingCapacity: true)
                head = 0
            }
        }
    }
}
