// The clients of a chaos run: one writer thread per writer place of the scenario, storing a new study about every
// second at the place's nodes in turn (ack=remote for the scenario's share, by the run's seed), and one reader per
// reader place, retrieving (WADO-RS) or searching for (QIDO-RS) a study some writer had acknowledged. Every
// operation goes to the history as it ends. They run on their own threads (the HTTP client blocks) until stopped.
import Chaos
import Foundation
import Posix
import Primitives
import Samples
import Synchronization

/// The workload threads of one run.
final class ChaosWorkloadThreads: Sendable {
    /// The least time between two writes of one writer, and between two reads of one reader, in milliseconds.
    static let writePaceMilliseconds: Int32 = 1_000
    static let readPaceMilliseconds: Int32 = 250
    /// Rows and columns of each generated slice: small, so a run stores hundreds of studies on nine nodes.
    static let sliceSide = 32

    let nodes: ChaosNodes
    let scenario: ChaosScenario
    let seed: UInt64
    let historyPath: String
    private let isStopped = Atomic<Bool>(false)
    /// Studies some write acknowledged, with when (wall-clock ms), for the readers and the final check.
    let acknowledged = Mutex<[(study: String, milliseconds: Int64)]>([])
    /// How old an acknowledgement must be before readers ask other nodes for the study: past the time the regional
    /// catalog takes to reach every node under this load (2–12 s seen on two cores), so a refused read says
    /// something about the fault, not that the reader's node had not heard of the study yet.
    static let readAfterMilliseconds: Int64 = 15_000
    /// Counts for the progress line: writes, acknowledged writes, reads, answered reads.
    let counts = Mutex<(writes: Int, acknowledged: Int, reads: Int, answered: Int)>((0, 0, 0, 0))
    private let threads = Mutex<[OwnedThread]>([])
    private let studyCounter = Atomic<UInt64>(0)

    init(nodes: ChaosNodes, scenario: ChaosScenario, seed: UInt64, historyPath: String) {
        self.nodes = nodes
        self.scenario = scenario
        self.seed = seed
        self.historyPath = historyPath
    }

    /// Starts the writers and readers.
    func start() throws {
        let topology = nodes.nodes
        for (index, place) in scenario.workload.writers.enumerated() {
            let hosts = try HostSelection.hosts(place, in: topology)
            let thread = OwnedThread(name: "chaos-writer") { [self] in writeLoop(index: index, hosts: hosts) }
            threads.withLock { $0.append(thread) }
        }
        for (index, place) in scenario.workload.readers.enumerated() {
            let hosts = try HostSelection.hosts(place, in: topology)
            let thread = OwnedThread(name: "chaos-reader") { [self] in readLoop(index: index, hosts: hosts) }
            threads.withLock { $0.append(thread) }
        }
    }

    /// Stops every client after its operation in flight and waits for them.
    func stop() {
        isStopped.store(true, ordering: .sequentiallyConsistent)
        for thread in threads.withLock({ $0 }) { thread.join() }
    }

    /// Stores one study at every node of `targets` at the same moment (same UIDs, same bytes): the same-study fault.
    func sameStudy(at targets: [String]) {
        let (study, files) = makeStudy(writer: 0xFFFF)
        let threads = targets.map { node in
            OwnedThread(name: "chaos-same") { [self] in
                let client = ChaosClient(nodes: nodes, clock: RealTimeClock())
                record(client.write(files, study: study, at: node, ack: "local"))
            }
        }
        for thread in threads { thread.join() }
    }

    // MARK: - Loops

    private func writeLoop(index: Int, hosts: [String]) {
        let client = ChaosClient(nodes: nodes, clock: RealTimeClock())
        var random = SeededRandom(seed: seed ^ Mixing.mix64(UInt64(index) &+ 0xC1A0))
        var turn = 0
        while !isStopped.load(ordering: .relaxed) {
            let began = MonotonicClock().now()
            let (study, files) = makeStudy(writer: index)
            let node = hosts[turn % hosts.count]
            turn += 1
            let isRemote = Double(random.next() % 1_000) / 1_000 < scenario.workload.remoteAckShare
            record(client.write(files, study: study, at: node, ack: isRemote ? "remote" : "local"))
            pace(since: began, milliseconds: Self.writePaceMilliseconds)
        }
    }

    private func readLoop(index: Int, hosts: [String]) {
        let client = ChaosClient(nodes: nodes, clock: RealTimeClock())
        var random = SeededRandom(seed: seed ^ Mixing.mix64(UInt64(index) &+ 0x2EAD))
        var turn = 0
        while !isStopped.load(ordering: .relaxed) {
            let began = MonotonicClock().now()
            let old = RealTimeClock().millisecondsSinceEpoch() - Self.readAfterMilliseconds
            let studies = acknowledged.withLock { $0.prefix { $0.milliseconds <= old }.map(\.study) }
            if !studies.isEmpty {
                let study = studies[Int(random.next() % UInt64(studies.count))]
                let node = hosts[turn % hosts.count]
                turn += 1
                record(turn % 4 == 0 ? client.search(study: study, at: node) : client.read(study: study, at: node))
            }
            pace(since: began, milliseconds: Self.readPaceMilliseconds)
        }
    }

    /// A new study of the scenario's size: its UID and each instance's UID and Part-10 bytes.
    private func makeStudy(writer: Int) -> (String, [(uid: String, bytes: [UInt8])]) {
        let number = studyCounter.add(1, ordering: .relaxed).oldValue
        let instances = SyntheticInstance.study(
            seed: Mixing.mix64(seed &+ number &* 7_919), patientID: "CHAOS-\(writer)",
            sliceCount: scenario.workload.slicesPerStudy, rows: Self.sliceSide, columns: Self.sliceSide)
        return (instances[0].studyInstanceUID, instances.map { ($0.sopInstanceUID, $0.part10()) })
    }

    private func record(_ operation: ChaosOperation) {
        do { try ChaosHistory.append(operation, to: historyPath) } catch {
            Console.error("\n\(error.description)\n")
        }
        counts.withLock { counts in
            if operation.kind == .write {
                counts.writes += 1
                if operation.outcome == .ok { counts.acknowledged += 1 }
            } else {
                counts.reads += 1
                if operation.outcome == .ok { counts.answered += 1 }
            }
        }
        if operation.kind == .write && operation.outcome == .ok, let study = operation.study {
            acknowledged.withLock { $0.append((study, operation.endMilliseconds)) }
        }
    }

    private func pace(since began: Instant, milliseconds: Int32) {
        let clock = MonotonicClock()
        let until = began.advanced(byTicks: Int64(milliseconds) * Instant.ticksPerSecond / 1_000)
        while !isStopped.load(ordering: .relaxed) && clock.now() < until { ChildProcess.pause(milliseconds: 50) }
    }
}
