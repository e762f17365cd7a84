// Goal: the pure parts of gossip security keep their bounds: nonces never repeat, the replay window forgets on
// time and within its cap, the log throttle allows one line a minute per sender within its cap, and the gate
// counts every drop under its cause. Method: instants passed by hand, seeded randomness, no clock and no sleep.
import Primitives
import Testing

@testable import Coding

/// An instant `seconds` after the origin.
func at(seconds: Int64) -> Instant { Instant(ticks: seconds * Instant.ticksPerSecond) }

/// A sender address for tests.
func sender(_ last: Int) -> DatagramAddress { DatagramAddress(host: "127.0.0.\(last)", port: 7946) }

@Suite struct GossipGateTests {
    // MARK: - Nonces

    @Test("a nonce sequence counts under one prefix, replays from its seed, and draws a new prefix on wrap")
    func nonceSequence() {
        var random = SeededRandom(seed: 5)
        var sequence = NonceSequence(using: &random)
        let first = sequence.next(using: &random)
        let second = sequence.next(using: &random)
        #expect(first.prefix == second.prefix)
        #expect(first.counter == 0 && second.counter == 1)
        var again = SeededRandom(seed: 5)
        var replayed = NonceSequence(using: &again)
        #expect(replayed.next(using: &again) == first)
        #expect(EnvelopeNonce(prefix: 0x0102_0304_0506_0708, counter: 0x090A_0B0C).bytes == Array(1...12))
        let round = EnvelopeNonce(prefix: 0xDEAD_BEEF_0000_0001, counter: 77)
        #expect(round.bytes.withUnsafeBytes { EnvelopeNonce(bytes: $0) } == round)
        var nearWrap = NonceSequence(prefix: 42, nextCounter: NonceSequence.countPerPrefix - 1)
        let last = nearWrap.next(using: &random)
        let wrapped = nearWrap.next(using: &random)
        #expect(last == EnvelopeNonce(prefix: 42, counter: UInt32.max))
        #expect(wrapped.prefix != 42 && wrapped.counter == 0)
        var nonces: Set<EnvelopeNonce> = []
        for _ in 0..<10_000 { nonces.insert(sequence.next(using: &random)) }
        #expect(nonces.count == 10_000)
    }

    // MARK: - Replay window

    @Test("the replay window refuses a nonce seen within the window and accepts it once the window has passed")
    func replayWindowExpiry() {
        var window = ReplayWindow(windowTicks: 120 * Instant.ticksPerSecond, nonceCountMax: 100)
        let nonce = EnvelopeNonce(prefix: 1, counter: 1)
        func admit(_ keyID: UInt32, _ seconds: Int64) -> Bool {
            window.admit(keyID: keyID, nonce: nonce, now: at(seconds: seconds))
        }
        #expect(admit(7, 0))
        #expect(!admit(7, 1))
        #expect(!admit(7, 119))
        #expect(admit(8, 119))
        #expect(admit(7, 120))
        #expect(window.count == 2)
        #expect(admit(9, 1000))
        #expect(window.count == 1)
    }

    @Test("a full replay window forgets its oldest nonce first and counts the eviction")
    func replayWindowCap() {
        var window = ReplayWindow(windowTicks: 1000 * Instant.ticksPerSecond, nonceCountMax: 4)
        func admit(_ counter: UInt32, _ seconds: Int64) -> Bool {
            window.admit(keyID: 1, nonce: EnvelopeNonce(prefix: 1, counter: counter), now: at(seconds: seconds))
        }
        for counter in 0..<4 as Range<UInt32> { #expect(admit(counter, 1)) }
        #expect(admit(4, 2))
        #expect(window.count == 4)
        #expect(window.evictedCount == 1)
        #expect(!admit(1, 2))
        #expect(admit(0, 2))
        #expect(window.evictedCount == 2)
    }

    @Test(
        "the replay window agrees with a naive list of (nonce, time) over a seeded run",
        arguments: [1, 2, 3] as [UInt64])
    func replayWindowOracle(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let windowTicks: Int64 = 50
        var window = ReplayWindow(windowTicks: windowTicks, nonceCountMax: 1000)
        var naive: [(nonce: EnvelopeNonce, recorded: Instant)] = []
        var now = Instant.zero
        for _ in 0..<5000 {
            now = now.advanced(byTicks: Int64(random.next() % 3))
            let nonce = EnvelopeNonce(prefix: random.next() % 4, counter: UInt32(random.next() % 16))
            naive.removeAll { now.ticks(since: $0.recorded) >= windowTicks }
            let expected = !naive.contains { $0.nonce == nonce }
            if expected { naive.append((nonce, now)) }
            let admitted = window.admit(keyID: 3, nonce: nonce, now: now)
            #expect(admitted == expected)
        }
        #expect(window.evictedCount == 0)
        #expect(window.count == naive.count)
    }

    // MARK: - Log throttle and counts

    @Test("the log throttle allows one line a minute per sender and suppresses the rest")
    func logThrottle() {
        var throttle = LogThrottle<DatagramAddress>()
        func log(_ last: Int, _ seconds: Int64) -> Bool {
            throttle.shouldLog(sender: sender(last), now: at(seconds: seconds))
        }
        #expect(log(1, 0))
        #expect(!log(1, 59))
        #expect(log(2, 59))
        #expect(log(1, 60))
        #expect(!log(1, 61))
        #expect(throttle.suppressedCount == 2)
    }

    @Test("a full log throttle refuses new senders until old ones have served their minute")
    func logThrottleCap() {
        var throttle = LogThrottle<DatagramAddress>(intervalTicks: 60 * Instant.ticksPerSecond, senderCountMax: 2)
        func log(_ last: Int, _ seconds: Int64) -> Bool {
            throttle.shouldLog(sender: sender(last), now: at(seconds: seconds))
        }
        #expect(log(1, 0))
        #expect(log(2, 30))
        #expect(!log(3, 40))
        #expect(log(3, 60))
        #expect(!log(4, 61))
        #expect(throttle.suppressedCount == 2)
    }

    // MARK: - Gate

    @Test("the gate seals with fresh nonces, opens once, and counts each drop under its cause")
    func gateCounts() throws {
        var random = SeededRandom(seed: 9)
        let keyring = try ClusterKeyring(primary: testKey(500))
        var gate = GossipGate(keyring: keyring, byteCountMax: 200, using: &random)
        let first = gate.seal(Array("ping".utf8), using: &random)
        let second = gate.seal(Array("ping".utf8), using: &random)
        #expect(first != second)
        func open(_ envelope: [UInt8], _ last: Int, _ seconds: Int64) -> GossipVerdict {
            gate.open(envelope, from: sender(last), now: at(seconds: seconds))
        }
        guard case .accepted(let opened) = open(first, 1, 1) else {
            Issue.record("a fresh envelope was refused")
            return
        }
        #expect(opened.plaintext == Array("ping".utf8))
        #expect(
            open(first, 1, 2) == .dropped(.replayed(keyID: keyring.primary.id, nonce: opened.nonce), shouldLog: true))
        #expect(open([], 1, 3).isDropped(logged: false))
        #expect(open([2], 2, 3).isDropped(logged: true))
        #expect(open([UInt8](repeating: 1, count: 201), 3, 3).isDropped(logged: true))
        let stranger = try ClusterKeyring(primary: testKey(501))
        var strangerGate = GossipGate(keyring: stranger, using: &random)
        #expect(open(strangerGate.seal([1], using: &random), 4, 3).isDropped(logged: true))
        #expect(open(flipped(second, bit: 200), 5, 3).isDropped(logged: true))
        let counts = gate.dropCounts
        #expect(counts[.replayed] == 1)
        #expect(counts[.truncated] == 1)
        #expect(counts[.unknownVersion] == 1)
        #expect(counts[.oversized] == 1)
        #expect(counts[.unknownKey] == 1)
        #expect(counts[.authenticationFailed] == 1)
        #expect(counts.total == 6)
        #expect(gate.plaintextByteCountMax == 200 - GossipEnvelope.overheadByteCount)
    }

    @Test("replacing the gate's keyring rotates with no restart: old envelopes still open, new ones use the new key")
    func gateRotation() throws {
        var random = SeededRandom(seed: 10)
        var sender1 = GossipGate(keyring: try ClusterKeyring(primary: testKey(600)), using: &random)
        var receiver = GossipGate(keyring: try ClusterKeyring(primary: testKey(600)), using: &random)
        receiver.keyring = receiver.keyring.rotated(to: testKey(601))
        let old = sender1.seal([1], using: &random)
        sender1.keyring = sender1.keyring.rotated(to: testKey(601))
        let new = sender1.seal([2], using: &random)
        let verdicts = [old, new].map { receiver.open($0, from: sender(1), now: at(seconds: 1)) }
        #expect(
            verdicts == [
                .accepted(OpenedEnvelope(plaintext: [1], keyID: testKey(600).id, nonce: verdicts[0].nonce!)),
                .accepted(OpenedEnvelope(plaintext: [2], keyID: testKey(601).id, nonce: verdicts[1].nonce!)),
            ])
        #expect(receiver.dropCounts.total == 0)
    }
}

extension GossipVerdict {
    /// The nonce of an accepted envelope, nil for a drop.
    var nonce: EnvelopeNonce? {
        if case .accepted(let opened) = self { return opened.nonce }
        return nil
    }

    /// Whether the verdict is a drop whose log decision is `logged`.
    func isDropped(logged: Bool) -> Bool {
        if case .dropped(_, let shouldLog) = self { return shouldLog == logged }
        return false
    }
}
