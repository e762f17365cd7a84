// The checker's rules on how the region behaved around the faults, from what the runner measured: the region whole
// again (all alive, catalogs equal) and every study back at R copies within the scenario's bound after the heal; a
// killed or paused node seen dead within the detection bound, and no live node ever marked dead; every outbox
// drained and no node process's memory run away by the end. Pure, like the data rules.

/// How the region behaved around the faults.
public struct ChaosHealth: Sendable, Equatable {
    /// A node the nemesis killed or paused: when, and when a survivor first saw it dead (nil: never).
    public struct Detection: Sendable, Equatable {
        public let node: String
        public let faultMilliseconds: Int64
        public let seenDeadMilliseconds: Int64?

        public init(node: String, faultMilliseconds: Int64, seenDeadMilliseconds: Int64?) {
            self.node = node
            self.faultMilliseconds = faultMilliseconds
            self.seenDeadMilliseconds = seenDeadMilliseconds
        }
    }

    /// A live node a member marked dead.
    public struct FalseDeath: Sendable, Equatable {
        public let node: String
        public let byNode: String
        public let milliseconds: Int64

        public init(node: String, byNode: String, milliseconds: Int64) {
            self.node = node
            self.byNode = byNode
            self.milliseconds = milliseconds
        }
    }

    /// Seconds from the heal until every node saw every other alive and every catalog was the same (nil: not
    /// within the wait).
    public var healSeconds: Double?
    /// Seconds from the heal until every study was back at R copies (nil: not within the wait).
    public var copiesRestoredSeconds: Double?
    public var detections: [Detection]
    public var falseDeaths: [FalseDeath]
    /// Each survivor's outbox depth at the end.
    public var finalOutboxDepths: [String: Int]
    /// Each node process's resident memory through the run, in bytes, oldest first (a restarted node is a new
    /// process, its own series).
    public var memorySamples: [String: [UInt64]]

    public init(
        copiesRestoredSeconds: Double?, healSeconds: Double? = 0, detections: [Detection] = [],
        falseDeaths: [FalseDeath] = [], finalOutboxDepths: [String: Int] = [:], memorySamples: [String: [UInt64]] = [:]
    ) {
        self.healSeconds = healSeconds
        self.copiesRestoredSeconds = copiesRestoredSeconds
        self.detections = detections
        self.falseDeaths = falseDeaths
        self.finalOutboxDepths = finalOutboxDepths
        self.memorySamples = memorySamples
    }
}

/// The bounds a run is held to.
public struct ChaosBounds: Sendable, Equatable {
    /// The scenario's `healBoundSeconds`.
    public var healSeconds: Double
    /// How soon a dead node must be seen dead: the bound the fabric tests hold membership to for these timings
    /// (ChaosNodes.detectionBoundSeconds).
    public var detectionSeconds: Double
    /// Memory a node may have grown by at the end over its first quarter's peak, and twice that peak.
    public var memoryGrowthBytes: UInt64

    public init(healSeconds: Double, detectionSeconds: Double, memoryGrowthBytes: UInt64 = 512 << 20) {
        self.healSeconds = healSeconds
        self.detectionSeconds = detectionSeconds
        self.memoryGrowthBytes = memoryGrowthBytes
    }
}

extension ChaosChecker {
    /// Every violation of `bounds` in `health`.
    public static func violations(of health: ChaosHealth, bounds: ChaosBounds) -> [ChaosViolation] {
        var violations: [ChaosViolation] = []
        func add(_ rule: String, _ detail: String) {
            violations.append(ChaosViolation(rule: rule, detail: detail, lines: []))
        }
        switch health.healSeconds {
        case .none: add("heal", "the region was not whole (every node alive to every other, catalogs equal) by the end")
        case .some(let seconds) where seconds > bounds.healSeconds:
            add("heal", "the region was whole \(seconds) s after the heal, over \(bounds.healSeconds) s")
        default: break
        }
        switch health.copiesRestoredSeconds {
        case .none: add("R copies", "some study was still below R copies at the end of the wait")
        case .some(let seconds) where seconds > bounds.healSeconds:
            add(
                "R copies", "every study was back at R copies \(seconds) s after the heal, over \(bounds.healSeconds) s"
            )
        default: break
        }
        for detection in health.detections {
            guard let seen = detection.seenDeadMilliseconds else {
                add("detection", "\(detection.node) was never seen dead")
                continue
            }
            let seconds = Double(seen - detection.faultMilliseconds) / 1_000
            if seconds > bounds.detectionSeconds {
                add(
                    "detection", "\(detection.node) was seen dead after \(seconds) s, over \(bounds.detectionSeconds) s"
                )
            }
        }
        for death in health.falseDeaths {
            add(
                "false death",
                "\(death.byNode) marked \(death.node) dead while it was live (at \(death.milliseconds) ms)")
        }
        for (node, depth) in health.finalOutboxDepths.sorted(by: { $0.key < $1.key }) where depth > 0 {
            add("outbox", "\(node) still has \(depth) entries to send at the end")
        }
        for (node, samples) in health.memorySamples.sorted(by: { $0.key < $1.key }) where samples.count >= 4 {
            let early = samples.prefix(samples.count / 4).max() ?? 0
            let last = samples.last ?? 0
            if last > 2 * early && last - early > bounds.memoryGrowthBytes {
                add("memory", "\(node) grew from \(early >> 20) MiB to \(last >> 20) MiB and was still growing")
            }
        }
        return violations
    }
}
