// A region's data plane on virtual time: six nodes at six sites in three territories, each the real RegionServices
// (outbox, anti-entropy, copy audit, nearest reads) over its own ObjectStore and Catalog, stepped in turn on one
// thread. The network is the simulator's: every internal request goes straight to the target's RegionalResponder,
// unless a partition, a crashed node or seeded loss (of the request or of its answer) stops it. Membership is a view
// the simulator derives from reachability (suspect at once, dead after `detectionSeconds`), so placement, hinted
// handoff and `downOut` see what a node would see.
import Catalog
import Chunking
import Coding
import DICOMweb
import HTTP
import Membership
import Node
import ObjectStore
import Posix
import Primitives
import Replication
import Synchronization
import TestSupport

/// One clock for the whole simulated region: monotonic ticks and the time of day move together, only when told.
final class VirtualTime: TimeSource, WallClock {
    static let epochMilliseconds: Int64 = 1_780_000_000_000
    private let ticks = Atomic<Int64>(0)

    func now() -> Instant { Instant(ticks: ticks.load(ordering: .relaxed)) }
    /// Waiting moves time: the simulation has one thread, so nothing else could.
    func sleep(until instant: Instant) { _ = ticks.max(instant.ticks, ordering: .relaxed) }
    func millisecondsSinceEpoch() -> Int64 { Self.epochMilliseconds + ticks.load(ordering: .relaxed) / 1_000 }
    func advance(byTicks step: Int64) { ticks.add(step, ordering: .relaxed) }
}

/// One write the workload made: what was stored, where, and what the client was told.
struct SimulatedWrite {
    let studyUID: String
    let instanceUID: String
    let bytes: [UInt8]
    let node: Int
    let address: ChunkAddress
    /// Whether ack=remote was asked and another site confirmed it in time.
    let isRemoteAcknowledged: Bool
}

// SAFETY: a simulation runs on the one thread that calls `run`; the closures handed to the nodes capture it but are
// only ever called from inside a node's step on that thread.
final class RegionSimulation: @unchecked Sendable {
    static let places = [
        ("strasbourg", "alsace"), ("colmar", "alsace"), ("nancy", "lorraine"), ("metz", "lorraine"),
        ("reims", "champagne"), ("troyes", "champagne"),
    ]
    /// Virtual time per step of every node (the node's loop period).
    static let stepTicks = Instant.ticksPerSecond / 5
    /// How long a member stays suspect (still a holder, still placed) before the others see it dead.
    static let detectionSeconds: Int64 = 3

    let seed: UInt64
    let time = VirtualTime()
    let directory = TemporaryDirectory(prefix: "region-sim")
    var random: SeededRandom
    var nodes: [SimulatedNode] = []
    /// Partition group of each node; nil when the network is whole.
    var groups: [Int]?
    /// Probability that a request, or its answer, is lost.
    var lossRate = 0.0
    /// Per observer and member: since when the member has been unreachable.
    var unreachableSince: [[Instant?]]
    var writes: [SimulatedWrite] = []
    var events: [String] = []
    var lostMessages = 0
    var deliveredMessages = 0

    init(seed: UInt64) throws {
        self.seed = seed
        random = SeededRandom(seed: seed)
        unreachableSince = Array(repeating: Array(repeating: nil, count: Self.places.count), count: Self.places.count)
        for index in Self.places.indices {
            nodes.append(try SimulatedNode(index: index, simulation: self))
        }
    }

    // MARK: - Network and membership

    func canReach(_ from: Int, _ to: Int) -> Bool {
        nodes[from].isUp && nodes[to].isUp && (groups.map { $0[from] == $0[to] } ?? true)
    }

    /// One internal request from node `from` to node `to`, through the faults.
    func exchange(from: Int, to: Int, method: String, target: String, body: any ByteSource) throws -> (Int, [UInt8]) {
        guard canReach(from, to) else { throw ReplicaError(.unavailable, "node \(to) is unreachable from \(from)") }
        if Double(random.next() % 10_000) / 10_000 < lossRate {
            lostMessages += 1
            throw ReplicaError(.unavailable, "the request to node \(to) was lost")
        }
        var bytes: [UInt8] = []
        var source = body
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        guard let responder = nodes[to].services?.responder else { throw ReplicaError(.unavailable, "node down") }
        var request = MemorySource(bytes)
        var writer = BufferedResponseWriter()
        let answer: (Int, [UInt8])
        do {
            try responder.respond(
                to: HTTPRequestHead(method: method, target: target), body: &request, response: &writer)
            answer = (writer.head?.status ?? 0, writer.body)
        } catch let error as any HTTPStatusError {
            answer = (error.status, Array(error.reason.utf8))
        }
        if Double(random.next() % 10_000) / 10_000 < lossRate {
            lostMessages += 1
            throw ReplicaError(.unavailable, "the answer from node \(to) was lost")
        }
        deliveredMessages += 1
        return answer
    }

    /// The members as node `observer` sees them now.
    func rows(seenBy observer: Int) -> [MembershipSnapshot.Row] {
        let now = time.now()
        return nodes.indices.map { member in
            let status: MemberStatus
            if member == observer || canReach(observer, member) {
                status = .alive
            } else if let since = unreachableSince[observer][member],
                now.ticks(since: since) >= Self.detectionSeconds * Instant.ticksPerSecond
            {
                status = .dead
            } else {
                status = .suspect
            }
            let sameTerritory = Self.places[observer].1 == Self.places[member].1
            return MembershipSnapshot.Row(
                nodeID: nodes[member].id, status: status, incarnation: 1, metadata: nodes[member].metadata,
                rttMilliseconds: member == observer ? nil : (sameTerritory ? 2 : 30), lastHeard: nil)
        }
    }

    /// Notes who stopped reaching whom, for the membership views.
    func observe() {
        let now = time.now()
        for observer in nodes.indices {
            for member in nodes.indices where member != observer {
                if canReach(observer, member) {
                    unreachableSince[observer][member] = nil
                } else if unreachableSince[observer][member] == nil {
                    unreachableSince[observer][member] = now
                }
            }
        }
    }

    // MARK: - Running

    /// One period: time moves, every live node steps once (in an order drawn from the seed).
    func tick() {
        time.advance(byTicks: Self.stepTicks)
        observe()
        var order = Array(nodes.indices)
        order.shuffle(using: &random)
        for index in order where nodes[index].isUp { nodes[index].services?.step() }
    }

    /// Stores a new instance at node `index`, as STOW-RS does (store, then catalogue with placement's sharing), with
    /// ack=remote when `isRemote`.
    func write(at index: Int, study: Int, isRemote: Bool) throws {
        let node = nodes[index]
        guard let store = node.store, let catalog = node.catalog, let services = node.services, let clock = node.clock
        else { return }
        let number = writes.count
        let studyUID = "1.2.826.0.1.3680043.10.1.\(seed).\(study)"
        let instanceUID = "\(studyUID).\(number)"
        var generator = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(number))
        let bytes = (0..<(2_000 + Int(generator.next() % 20_000))).map { _ in
            UInt8(truncatingIfNeeded: generator.next())
        }
        var source = MemorySource(bytes)
        let receipt = try store.put(from: &source)
        let instance = CatalogInstance(
            attributes: [
                CatalogTag.studyInstanceUID: studyUID, CatalogTag.seriesInstanceUID: studyUID + ".1",
                CatalogTag.sopInstanceUID: instanceUID, CatalogTag.sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
                CatalogTag.patientName: "Martin^Chloe",
            ],
            transferSyntaxUID: "1.2.840.10008.1.2.1", manifestAddress: receipt.address,
            lengthBytes: Int64(bytes.count), originSite: node.site, metadata: Array("{\"n\":\(number)}".utf8))
        let sharing = services.sharing(of: [StoredInstanceName(studyUID: studyUID, instanceUID: instanceUID)])
        _ = try catalog.insert([(instance, clock.next())], sharing: sharing) { true }
        let confirmed =
            isRemote && services.confirm(instanceUIDs: [instanceUID], withinSeconds: 1).contains(instanceUID)
        writes.append(
            SimulatedWrite(
                studyUID: studyUID, instanceUID: instanceUID, bytes: bytes, node: index, address: receipt.address,
                isRemoteAcknowledged: confirmed))
    }

    /// The faulty phase: `seconds` of writes at random live nodes, with crashes and restarts, partitions (a site, a
    /// territory) and loss, each drawn from the seed.
    func runFaults(seconds: Int) throws {
        var restartAt: [Int: Int] = [:]
        var healAt: Int?
        var lossUntil: Int?
        let steps = seconds * 5
        for step in 0..<steps {
            tick()
            for (index, at) in restartAt where at == step {
                try nodes[index].open()
                restartAt[index] = nil
                events.append("\(step): restart \(index)")
            }
            if healAt == step {
                groups = nil
                healAt = nil
                events.append("\(step): heal")
            }
            if lossUntil == step {
                lossRate = 0
                lossUntil = nil
            }
            if random.next() % 2 == 0 {
                let live = nodes.indices.filter { nodes[$0].isUp }
                if let index = live.randomElement(using: &random) {
                    try write(at: index, study: Int(random.next() % 12), isRemote: random.next() % 3 == 0)
                }
            }
            guard step % 25 == 0, step + 50 < steps else { continue }
            switch random.next() % 4 {
            case 0 where restartAt.count < 2:
                let index = Int(random.next() % UInt64(nodes.count))
                guard nodes[index].isUp else { break }
                nodes[index].crash()
                restartAt[index] = step + 10 + Int(random.next() % 100)
                events.append("\(step): crash \(index)")
            case 1 where groups == nil:
                let territory = Self.places[Int(random.next() % UInt64(nodes.count))].1
                groups = Self.places.map { $0.1 == territory ? 1 : 0 }
                healAt = step + 25 + Int(random.next() % 150)
                events.append("\(step): partition \(territory)")
            case 2 where groups == nil:
                let site = Int(random.next() % UInt64(nodes.count))
                groups = nodes.indices.map { $0 == site ? 1 : 0 }
                healAt = step + 25 + Int(random.next() % 150)
                events.append("\(step): isolate \(site)")
            case 3:
                lossRate = Double(5 + random.next() % 20) / 100
                lossUntil = step + 25 + Int(random.next() % 100)
                events.append("\(step): loss \(lossRate)")
            default: break
            }
        }
        for (index, _) in restartAt.sorted(by: { $0.key < $1.key }) { try nodes[index].open() }
        groups = nil
        lossRate = 0
    }

    /// Runs fault-free until `isSettled` holds or `seconds` pass; the virtual seconds it took, nil if it never did.
    func settle(seconds: Int, isSettled: () -> Bool) -> Double? {
        let start = time.now()
        for step in 0..<(seconds * 5) {
            tick()
            if step % 5 == 4 && isSettled() {
                return Double(time.now().ticks(since: start)) / Double(Instant.ticksPerSecond)
            }
        }
        return nil
    }
}
