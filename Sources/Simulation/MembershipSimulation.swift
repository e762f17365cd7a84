// The membership simulator: N real MembershipCores on one thread in virtual time, one SimClock each, linked by a
// SimNetwork. Datagrams travel as bytes and decode through GossipCodec; push-pull states travel as frames on a
// reliable, delayed stream. Effects are carried out in +Effects; faults are injected in +Faults.
public import Membership
import Primitives

/// A region of simulated nodes running the membership protocol.
///
/// Every draw comes from `seed`, and events run in (true time, scheduling order), so one seed replays one run.
public struct MembershipSimulation: Sendable {
    /// A node's life in the simulation.
    public enum Phase: Hashable, Sendable {
        /// Not started yet.
        case idle
        /// Handling events.
        case running
        /// Frozen; events wait in its backlog.
        case paused
        /// Crashed: nothing is handled until a restart.
        case crashed
        /// Left gracefully and stopped.
        case stopped
    }

    /// What runs at a scheduled time.
    enum Event: Sendable {
        case start(Int, seeds: [Int])
        case datagram(to: Int, bytes: [UInt8], from: Int)
        case timer(Int, generation: UInt32, MembershipTimer)
        case pushPullOpened(to: Int, frame: [UInt8], by: Int, openerGeneration: UInt32)
        case pushPullAnswered(to: Int, generation: UInt32, frame: [UInt8], from: Int)
        case pushPullFailed(to: Int, generation: UInt32, peer: Int)
        case fault(SimFault)
        case stop(Int)

        /// The node the event is for, if it is for one node.
        var node: Int? {
            switch self {
            case .start(let node, _), .datagram(let node, _, _), .timer(let node, _, _),
                .pushPullOpened(let node, _, _, _), .pushPullAnswered(let node, _, _, _),
                .pushPullFailed(let node, _, _), .stop(let node):
                return node
            case .fault:
                return nil
            }
        }
    }

    /// How long a node that left keeps running (spreading its leave) before it stops, in ticks.
    public static let leaveLingerTicks: Int64 = 2 * Instant.ticksPerSecond

    /// The protocol configuration every node runs.
    public let configuration: MembershipConfiguration
    /// The region.
    public let topology: SimTopology
    /// The wire.
    public internal(set) var network: SimNetwork
    /// Each node's clock.
    public internal(set) var clocks: [SimClock]
    /// The true time, in ticks.
    public internal(set) var nowTicks: Int64 = 0
    /// Each node's core while it runs (nil before its start and after a crash).
    public internal(set) var cores: [MembershipCore?]
    /// Each node's Vivaldi state, fed by its probes' round trips.
    public internal(set) var vivaldi: [VivaldiNode]
    /// Each node's phase.
    public internal(set) var phases: [Phase]
    /// What the nodes reported, and the faults injected.
    public internal(set) var observations = SimObservations()
    /// Events handled so far.
    public internal(set) var eventCount = 0
    /// Datagrams that failed to decode (none expected: cores only send what the codec writes).
    public internal(set) var decodeFailureCount = 0
    /// A running digest of every handled event and sent byte, when `isTracing`: equal digests mean equal runs.
    public internal(set) var traceDigest: UInt64 = 0
    /// Whether `traceDigest` is kept (it costs a pass over every datagram's bytes).
    public var isTracing = true

    let seed: UInt64
    var queue = SimEventQueue<Event>()
    var generations: [UInt32]
    var backlogs: [[Event]]
    /// The generation of the node whose push-pull is being answered, while its `pushPullOpened` is handled.
    var answeringGeneration: UInt32 = 0
    /// Each node's last push-pull state and its frame: a core shares its rows until one changes, so a state on the
    /// same rows is the same frame, not encoded again.
    var lastFrames: [(state: PushPullState, frame: [UInt8])?]
    /// Decodes every push-pull frame; kept across frames so rows that repeat byte for byte decode once.
    var frameReader = PushPullFrameReader()

    /// Makes a region of `topology.nodeCount` idle nodes; start them with `start` or `startAll`.
    public init(
        topology: SimTopology, configuration: MembershipConfiguration, network: SimNetworkConfiguration = .clean,
        clocks: [SimClock]? = nil, seed: UInt64
    ) {
        let count = topology.nodeCount
        precondition(clocks == nil || clocks?.count == count, "one clock per node")
        self.topology = topology
        self.configuration = configuration
        self.seed = seed
        self.network = SimNetwork(topology: topology, configuration: network, seed: seed)
        self.clocks = clocks ?? [SimClock](repeating: .exact, count: count)
        self.cores = [MembershipCore?](repeating: nil, count: count)
        self.vivaldi = (0..<count).map { VivaldiNode(seed: Mixing.mix64(seed ^ 0x7669_7661_6C64_6900 ^ UInt64($0))) }
        self.phases = [Phase](repeating: .idle, count: count)
        self.generations = [UInt32](repeating: 0, count: count)
        self.backlogs = [[Event]](repeating: [], count: count)
        self.lastFrames = Array(repeating: nil, count: count)
    }

    // MARK: - Scenario

    /// Starts `node` at true time `atTicks`, joining through `seeds` (none: it founds the region).
    public mutating func start(_ node: Int, seeds: [Int], atTicks: Int64) {
        queue.push(.start(node, seeds: seeds), at: atTicks)
    }

    /// Starts every node, `spacingTicks` apart from time zero, all joining through `seeds` (a seed starts alone).
    public mutating func startAll(seeds: [Int], spacingTicks: Int64) {
        for node in 0..<topology.nodeCount {
            start(node, seeds: seeds.filter { $0 != node }, atTicks: Int64(node) * spacingTicks)
        }
    }

    /// Schedules `fault` at true time `atTicks`.
    public mutating func inject(_ fault: SimFault, atTicks: Int64) {
        queue.push(.fault(fault), at: atTicks)
    }

    /// Runs every event up to and including `untilTicks`, then sets the true time to it.
    public mutating func run(untilTicks: Int64) {
        while let entry = queue.pop(notAfter: untilTicks) {
            nowTicks = entry.time
            eventCount += 1
            handle(entry.payload)
        }
        nowTicks = max(nowTicks, untilTicks)
    }

    // MARK: - Views

    /// Node `observer`'s belief about node `subject`, nil if it does not know it or does not run.
    public func status(of subject: Int, seenBy observer: Int) -> MemberStatus? {
        cores[observer]?.member(topology.nodeIDs[subject])?.status
    }

    /// Nodes whose core is running now.
    public var runningNodes: [Int] { (0..<topology.nodeCount).filter { phases[$0] == .running } }

    /// Whether every running node sees exactly the running nodes alive (itself included) and nothing else alive.
    public var isConverged: Bool {
        let running = runningNodes
        let expected = Set(running.map { topology.nodeIDs[$0] })
        return running.allSatisfy { observer in
            guard let core = cores[observer] else { return false }
            let alive = core.memberStates.filter { $0.status == .alive }.map(\.nodeID)
            return alive.count == expected.count && expected.isSuperset(of: alive)
        }
    }

    // MARK: - Dispatch

    private mutating func handle(_ event: Event) {
        if let node = event.node, phases[node] == .paused {
            backlogs[node].append(event)
            return
        }
        switch event {
        case .start(let node, let seeds):
            begin(node, seeds: seeds)
        case .datagram(let node, let bytes, let source):
            guard phases[node] == .running else { return }
            let datagram: GossipDatagram
            do {
                datagram = try GossipCodec.decodeDatagram(bytes, bytesMax: configuration.datagramBytesMax)
            } catch {
                decodeFailureCount += 1
                return
            }
            deliver(.received(datagram, from: SimTopology.address(of: source)), to: node)
        case .timer(let node, let generation, let timer):
            guard phases[node] == .running, generations[node] == generation else { return }
            deliver(.timerFired(timer), to: node)
        case .pushPullOpened(let node, let frame, let opener, let openerGeneration):
            guard phases[node] == .running, let state = decodeFrame(frame) else {
                failPushPull(of: opener, generation: openerGeneration, peer: node, afterTicks: 0)
                return
            }
            answeringGeneration = openerGeneration
            deliver(.pushPullOpened(state, by: SimTopology.address(of: opener)), to: node)
        case .pushPullAnswered(let node, let generation, let frame, let peer):
            guard phases[node] == .running, generations[node] == generation else { return }
            guard let state = decodeFrame(frame) else {
                deliver(.pushPullFailed(SimTopology.address(of: peer)), to: node)
                return
            }
            deliver(.pushPullAnswered(state, from: SimTopology.address(of: peer)), to: node)
        case .pushPullFailed(let node, let generation, let peer):
            guard phases[node] == .running, generations[node] == generation else { return }
            deliver(.pushPullFailed(SimTopology.address(of: peer)), to: node)
        case .fault(let fault):
            apply(fault)
        case .stop(let node):
            phases[node] = .stopped
            generations[node] &+= 1
        }
    }

    /// Hands `event` to `node`'s core at its local time and carries out the effects.
    mutating func deliver(_ event: MembershipCore.Event, to node: Int) {
        let local = clocks[node].local(atTrueTicks: nowTicks)
        if isTracing { trace(UInt64(bitPattern: nowTicks) ^ UInt64(node) << 48) }
        guard let effects = cores[node]?.handle(event, now: local) else { return }
        for effect in effects { carry(effect, from: node, local: local) }
    }

    /// Makes `node`'s core (fresh, with a seed from the run's seed and its generation) and starts it.
    private mutating func begin(_ node: Int, seeds: [Int]) {
        guard phases[node] == .idle || phases[node] == .crashed else { return }
        generations[node] &+= 1
        let coreSeed = Mixing.mix64(seed ^ UInt64(node) ^ UInt64(generations[node]) << 40)
        cores[node] = MembershipCore(
            metadata: topology.metadata(of: node), configuration: configuration, seed: coreSeed)
        vivaldi[node] = VivaldiNode(seed: Mixing.mix64(coreSeed ^ 0x7669_7661_6C64_6900))
        phases[node] = .running
        deliver(.started(seeds: seeds.map(SimTopology.address(of:))), to: node)
        // Acks carry the coordinate from the first probe on, even the origin's: peers learn from its error estimate.
        deliver(.coordinateChanged(vivaldi[node].coordinate.probeCoordinate), to: node)
    }

    private mutating func decodeFrame(_ frame: [UInt8]) -> PushPullState? {
        guard let states = try? frameReader.append(frame), states.count == 1, frameReader.bufferedByteCount == 0
        else {
            frameReader = PushPullFrameReader()  // A stream that failed is closed; the next one starts clean.
            return nil
        }
        return states[0]
    }

    /// `node`'s `state` as a frame: the last one when the state has the same source, join flag and rows array
    /// (the same storage, so the same contents); encoded otherwise.
    mutating func encodeFrame(_ state: PushPullState, of node: Int) -> [UInt8] {
        if let last = lastFrames[node], last.state.source == state.source, last.state.isJoin == state.isJoin,
            Self.isSameStorage(last.state.members, state.members)
        {
            return last.frame
        }
        let frame = GossipCodec.encodeFrame(state)
        lastFrames[node] = (state, frame)
        return frame
    }

    private static func isSameStorage(_ left: [PushPullMember], _ right: [PushPullMember]) -> Bool {
        left.count == right.count
            && left.withUnsafeBufferPointer { leftRows in
                right.withUnsafeBufferPointer { $0.baseAddress == leftRows.baseAddress }
            }
    }

    /// Folds `value` into the trace digest.
    mutating func trace(_ value: UInt64) { traceDigest = Mixing.mix64(traceDigest &+ value) }
}
