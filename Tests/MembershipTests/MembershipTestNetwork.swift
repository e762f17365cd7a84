// A test-only driver for N MembershipCores: it routes datagrams (as bytes, through the codec) and push-pull states
// (as frames) with a seeded delay, and fires timers in (time, sequence) order. The real simulator comes later.
import Membership
import Primitives

/// N cores on a virtual network with crashes and pauses; events run in (time, sequence) order.
struct MembershipTestNetwork {
    struct Scheduled {
        var time: Instant
        var sequence: UInt64
        var node: Int
        var event: MembershipCore.Event
    }

    /// A record of one effect, for assertions and the determinism test.
    struct Logged: Hashable {
        var time: Instant
        var node: Int
        var effect: MembershipCore.Effect
    }

    private(set) var cores: [MembershipCore]
    private(set) var now = Instant.zero
    private(set) var log: [Logged] = []
    private(set) var crashed: Set<Int> = []
    private var pausedUntil: [Int: Instant] = [:]
    private var queue: [Scheduled] = []
    private var nextSequence: UInt64 = 0
    private var random: SeededRandom
    private let delayTicksMax: Int64 = 3_000
    private let configuration: MembershipConfiguration
    /// Events handled so far, a bound against runaway loops.
    private(set) var handledCount = 0

    /// Makes `count` cores with ids 1…count at 10.0.0.<index>, seeded from `seed`.
    init(count: Int, seed: UInt64, configuration: MembershipConfiguration = .init()) {
        self.configuration = configuration
        random = SeededRandom(seed: seed)
        var cores: [MembershipCore] = []
        for index in 0..<count {
            cores.append(
                MembershipCore(
                    metadata: Self.metadata(index: index, version: 1), configuration: configuration,
                    seed: seed &+ UInt64(index) &* 0x9E37_79B9))
        }
        self.cores = cores
    }

    static func address(_ index: Int) -> GossipAddress { GossipAddress(host: "10.0.0.\(index)", port: 7_946) }

    static func nodeID(_ index: Int) -> NodeID { NodeID(UInt64(index + 1)) }

    static func metadata(index: Int, version: UInt64, software: String = "1.0.0") -> MemberMetadata {
        MemberMetadata(
            nodeID: nodeID(index), territory: try! TerritoryID("alsace"), site: try! SiteID("site-\(index % 3)"),
            gossipAddress: address(index), httpAddress: GossipAddress(host: "10.0.0.\(index)", port: 8_080),
            volumes: [VolumeFreeSpace(volumeID: UInt64(index), bytesFree: 1 << 30, bytesTotal: 1 << 40)],
            softwareVersion: software, metadataVersion: version)
    }

    private func index(of address: GossipAddress) -> Int? {
        guard address.host.hasPrefix("10.0.0."), let index = Int(address.host.dropFirst(7)), index < cores.count
        else { return nil }
        return index
    }

    // MARK: - Scenario controls

    /// Schedules `event` for node `node` at `time`.
    mutating func schedule(_ event: MembershipCore.Event, node: Int, at time: Instant) {
        queue.append(Scheduled(time: time, sequence: nextSequence, node: node, event: event))
        nextSequence += 1
    }

    /// Starts node `node` at `time` with `seeds`.
    mutating func start(_ node: Int, seeds: [Int], at time: Instant) {
        schedule(.started(seeds: seeds.map(Self.address)), node: node, at: time)
    }

    /// Stops node `node` for good: it handles nothing more.
    mutating func crash(_ node: Int) { crashed.insert(node) }

    /// Freezes node `node` until `time` (like SIGSTOP): what arrives meanwhile is handled at `time`.
    mutating func pause(_ node: Int, until time: Instant) { pausedUntil[node] = time }

    // MARK: - Running

    /// Runs every event up to `time`, then sets `now` to it.
    mutating func run(until time: Instant) {
        while let next = popEarliest(notAfter: time) {
            precondition(handledCount < 50_000_000, "the test network ran away")
            now = next.time
            if crashed.contains(next.node) { continue }
            if let resume = pausedUntil[next.node] {
                if next.time < resume {
                    schedule(next.event, node: next.node, at: resume)
                    continue
                }
                pausedUntil[next.node] = nil
            }
            handledCount += 1
            let effects = cores[next.node].handle(next.event, now: next.time)
            for effect in effects { carry(effect, from: next.node) }
        }
        now = time
    }

    private mutating func popEarliest(notAfter time: Instant) -> Scheduled? {
        guard !queue.isEmpty else { return nil }
        var best = 0
        for index in 1..<queue.count
        where (queue[index].time, queue[index].sequence) < (queue[best].time, queue[best].sequence) {
            best = index
        }
        guard queue[best].time <= time else { return nil }
        queue.swapAt(best, queue.count - 1)
        return queue.removeLast()
    }

    private mutating func delay() -> Int64 { 500 + Int64(random.next() % UInt64(delayTicksMax)) }

    private mutating func carry(_ effect: MembershipCore.Effect, from node: Int) {
        log.append(Logged(time: now, node: node, effect: effect))
        switch effect {
        case .send(let bytes, let address):
            precondition(bytes.count <= configuration.datagramBytesMax, "a core sent an oversized datagram")
            guard let target = index(of: address) else { return }
            let datagram = try! GossipCodec.decodeDatagram(bytes, bytesMax: configuration.datagramBytesMax)
            schedule(.received(datagram, from: Self.address(node)), node: target, at: now.advanced(byTicks: delay()))
        case .openPushPull(let address, let state):
            let arrival = now.advanced(byTicks: delay())
            guard let target = index(of: address), !crashed.contains(target) else {
                schedule(.pushPullFailed(address), node: node, at: arrival.advanced(byTicks: delay()))
                return
            }
            schedule(.pushPullOpened(Self.throughFrames(state), by: Self.address(node)), node: target, at: arrival)
        case .answerPushPull(let address, let state):
            guard let target = index(of: address) else { return }
            schedule(
                .pushPullAnswered(Self.throughFrames(state), from: Self.address(node)), node: target,
                at: now.advanced(byTicks: delay()))
        case .setTimer(let timer, let time):
            schedule(.timerFired(timer), node: node, at: time)
        case .memberChanged, .roundTripMeasured:
            break
        }
    }

    /// The state as the receiving end of a stream decodes it, the frame cut in two pieces.
    private static func throughFrames(_ state: PushPullState) -> PushPullState {
        let frame = GossipCodec.encodeFrame(state)
        var reader = PushPullFrameReader()
        let cut = frame.count / 2
        var states = try! reader.append(frame[..<cut])
        states += try! reader.append(frame[cut...])
        precondition(states.count == 1, "one frame must decode to one state")
        return states[0]
    }

    // MARK: - Views

    /// Node `observer`'s belief about node `subject`.
    func status(of subject: Int, seenBy observer: Int) -> MemberStatus? {
        cores[observer].members[Self.nodeID(subject)]?.status
    }

    /// The first time node `observer` reported node `subject` with `status`, if it did.
    func firstReport(of status: MemberStatus, subject: Int, observer: Int) -> Instant? {
        log.first { entry in
            guard entry.node == observer, case .memberChanged(.statusChanged(let node, let reported, _)) = entry.effect
            else { return false }
            return node == Self.nodeID(subject) && reported == status
        }?.time
    }
}
