// A chaos scenario (issue 13), one file under Chaos/scenarios/: the workload that runs through it and the nemesis's
// schedule of faults, each at a second of the run. Read with limits and checked against the topology before
// anything starts, so a typo in a node's name stops the run at once, naming the fault.
import Foundation

/// The clients of a run: who writes, who reads, how big a study is.
public struct ChaosWorkload: Codable, Sendable, Equatable {
    /// Nodes (or sites, territories) where writers store studies, one writer each.
    public var writers: [String]
    /// Nodes (or sites, territories) where readers retrieve and search, one reader each.
    public var readers: [String]
    /// Instances per study written.
    public var slicesPerStudy: Int
    /// The share of writes sent with ack=remote, 0 to 1.
    public var remoteAckShare: Double

    public init(writers: [String], readers: [String], slicesPerStudy: Int, remoteAckShare: Double) {
        self.writers = writers
        self.readers = readers
        self.slicesPerStudy = slicesPerStudy
        self.remoteAckShare = remoteAckShare
    }
}

/// One fault of the schedule.
public struct ChaosFault: Codable, Sendable, Equatable {
    /// What the nemesis does.
    public enum Action: String, Codable, Sendable, CaseIterable {
        /// SIGKILL `node`; `start` brings it back from its folders.
        case kill, start
        /// SIGSTOP `node` (past the suspicion timeout, say); `resume` sends SIGCONT.
        case pause, resume
        /// Cut `sides` apart both ways, or only from the first to the second; `heal` restores `sides` or every cut.
        case partition
        case partitionOneWay = "partition-one-way"
        case heal
        /// Delay, loss or a rate cap between `sides`; `clear-shape` removes it.
        case shape
        case clearShape = "clear-shape"
        /// Flip bits in `count` random segment records on random volumes of `node`.
        case flipBits = "flip-bits"
        /// Remove volume directory `volume` of `node` while it runs.
        case removeVolume = "remove-volume"
        /// Fill the size-limited filesystem of `node` to the last byte; `free-disk` removes the filler.
        case fillDisk = "fill-disk"
        case freeDisk = "free-disk"
        /// Run `node`'s clock `seconds` off (libfaketime), from its next start.
        case skewClock = "skew-clock"
        /// Stop `node` cleanly and start it again.
        case restart
        /// Store one study at every node of `nodes` at the same time.
        case sameStudy = "same-study"
    }

    /// Seconds after the run's start.
    public var atSeconds: Double
    public var action: Action
    public var node: String?
    public var sides: [String]?
    public var nodes: [String]?
    public var delayMilliseconds: Int?
    public var lossPercent: Double?
    public var rateKilobits: Int?
    public var count: Int?
    public var volume: Int?
    public var seconds: Double?

    public init(
        atSeconds: Double, action: Action, node: String? = nil, sides: [String]? = nil, nodes: [String]? = nil,
        delayMilliseconds: Int? = nil, lossPercent: Double? = nil, rateKilobits: Int? = nil, count: Int? = nil,
        volume: Int? = nil, seconds: Double? = nil
    ) {
        self.atSeconds = atSeconds
        self.action = action
        self.node = node
        self.sides = sides
        self.nodes = nodes
        self.delayMilliseconds = delayMilliseconds
        self.lossPercent = lossPercent
        self.rateKilobits = rateKilobits
        self.count = count
        self.volume = volume
        self.seconds = seconds
    }
}

/// A scenario: its workload, its faults, how long it runs and how soon the region must be whole again.
public struct ChaosScenario: Codable, Sendable, Equatable {
    /// The largest scenario file read.
    public static let fileBytesMax = 1 << 20
    /// The most faults one scenario schedules.
    public static let faultCountMax = 10_000

    public var name: String
    public var description: String
    /// Seconds the workload and the faults run; then every fault is healed and the checker waits.
    public var durationSeconds: Double
    /// Seconds after the heal within which every study must be back at R copies and the catalogs equal.
    public var healBoundSeconds: Double
    public var workload: ChaosWorkload
    public var faults: [ChaosFault]

    public init(
        name: String, description: String, durationSeconds: Double, healBoundSeconds: Double,
        workload: ChaosWorkload, faults: [ChaosFault]
    ) {
        self.name = name
        self.description = description
        self.durationSeconds = durationSeconds
        self.healBoundSeconds = healBoundSeconds
        self.workload = workload
        self.faults = faults
    }

    /// The scenario in `path`, checked against `topology`.
    public static func load(path: String, topology: Topology) throws(ChaosError) -> ChaosScenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChaosError(.scenario, "cannot read the scenario \(path)")
        }
        do { return try decode(Array(data), topology: topology) } catch {
            throw ChaosError(.scenario, "\(path): \(error.description)")
        }
    }

    /// A scenario's bytes, decoded and checked against `topology`.
    public static func decode(_ bytes: [UInt8], topology: Topology) throws(ChaosError) -> ChaosScenario {
        guard bytes.count <= fileBytesMax else {
            throw ChaosError(.scenario, "the scenario is over \(fileBytesMax) bytes")
        }
        let scenario: ChaosScenario
        do { scenario = try JSONDecoder().decode(ChaosScenario.self, from: Data(bytes)) } catch {
            throw ChaosError(.scenario, "not a scenario: \(ChaosHistory.reason(error))")
        }
        try scenario.check(in: topology)
        return scenario
    }

    /// Throws naming the first thing that cannot run on `topology`.
    public func check(in topology: Topology) throws(ChaosError) {
        guard durationSeconds > 0, durationSeconds <= 86_400, healBoundSeconds > 0, healBoundSeconds <= 86_400 else {
            throw ChaosError(.scenario, "durationSeconds and healBoundSeconds must be from 0 to 86,400")
        }
        guard faults.count <= Self.faultCountMax else {
            throw ChaosError(.scenario, "over \(Self.faultCountMax) faults")
        }
        guard workload.slicesPerStudy >= 1, workload.slicesPerStudy <= 10_000,
            (0...1).contains(workload.remoteAckShare), !workload.writers.isEmpty
        else {
            throw ChaosError(
                .scenario, "the workload needs writers, 1 to 10,000 slices per study and a remoteAckShare from 0 to 1")
        }
        for place in workload.writers + workload.readers { _ = try HostSelection.hosts(place, in: topology.nodes) }
        for (index, fault) in faults.enumerated() {
            do { try fault.check(in: topology, durationSeconds: durationSeconds) } catch {
                throw ChaosError(.scenario, "fault \(index + 1) (\(fault.action.rawValue)): \(error.description)")
            }
        }
    }
}

extension ChaosFault {
    /// Throws naming what this fault lacks or names wrongly.
    func check(in topology: Topology, durationSeconds: Double) throws(ChaosError) {
        guard atSeconds >= 0, atSeconds <= durationSeconds else {
            throw ChaosError(.scenario, "atSeconds \(atSeconds) is outside the run's \(durationSeconds) s")
        }
        let names = Set(topology.nodes.map(\.name))
        func requireNode() throws(ChaosError) {
            guard let node, names.contains(node) else {
                throw ChaosError(.scenario, "'node' must name a node of the topology, not '\(node ?? "")'")
            }
        }
        switch action {
        case .kill, .start, .pause, .resume, .fillDisk, .freeDisk, .restart:
            try requireNode()
        case .flipBits:
            try requireNode()
            guard let count, (1...1_000).contains(count) else {
                throw ChaosError(.scenario, "'count' must be 1 to 1,000 records")
            }
        case .removeVolume:
            try requireNode()
            let volumeCount = topology.nodes.first { $0.name == node }?.volumeCount ?? 0
            guard let volume, (0..<volumeCount).contains(volume) else {
                throw ChaosError(.scenario, "'volume' must be 0 to \(volumeCount - 1) for \(node ?? "")")
            }
        case .skewClock:
            try requireNode()
            guard let seconds, abs(seconds) <= 86_400 else {
                throw ChaosError(.scenario, "'seconds' must be a skew of at most a day")
            }
        case .partition, .partitionOneWay, .shape, .clearShape:
            guard let sides, sides.count == 2 else { throw ChaosError(.scenario, "'sides' must name two sides") }
            _ = try HostSelection.sides(sides[0], sides[1], in: topology.nodes)
            if action == .shape {
                guard delayMilliseconds != nil || lossPercent != nil || rateKilobits != nil else {
                    throw ChaosError(.scenario, "a shape needs delayMilliseconds, lossPercent or rateKilobits")
                }
            }
        case .heal:
            if let sides {
                guard sides.count == 2 else { throw ChaosError(.scenario, "'sides' must name two sides, or none") }
                _ = try HostSelection.sides(sides[0], sides[1], in: topology.nodes)
            }
        case .sameStudy:
            guard let nodes, nodes.count >= 2, nodes.allSatisfy(names.contains) else {
                throw ChaosError(.scenario, "'nodes' must name two or more nodes of the topology")
            }
        }
    }
}
