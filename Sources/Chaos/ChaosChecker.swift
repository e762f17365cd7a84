// Judging a chaos run (issue 13) from its history and what the region holds once the faults stopped and it healed:
// nothing acknowledged lost, no read ever served other bytes than were stored, every catalog the same. Pure: the
// history and the final observation in, the violations out, each naming the operations (history lines) behind it,
// so a failed run prints what broke and where.

/// What the region holds after the run: gathered by the runner from every surviving node.
public struct ChaosObservation: Sendable, Equatable {
    /// What each surviving node returned for each instance the history names: the SHA-256 of the bytes read, or nil
    /// when it could not be read there.
    public var reads: [String: [String: String?]]
    /// Each surviving node's catalog fingerprint (its regional digest root, or its instances listed and hashed).
    public var catalogs: [String: String]
    /// Sites whose nodes all lost their disks during the run: what was acknowledged there with ack=local may be gone.
    public var sitesWithoutDisks: Set<String>

    public init(
        reads: [String: [String: String?]], catalogs: [String: String], sitesWithoutDisks: Set<String> = []
    ) {
        self.reads = reads
        self.catalogs = catalogs
        self.sitesWithoutDisks = sitesWithoutDisks
    }
}

/// One broken promise of a run.
public struct ChaosViolation: Sendable, Equatable, CustomStringConvertible {
    /// Which rule: "lost", "corrupt read", "catalogs differ".
    public let rule: String
    /// What broke, in a sentence.
    public let detail: String
    /// The history lines (1-based) of the operations behind it.
    public let lines: [Int]
    /// The instance it is about, when it is about one (a lost or corrupt instance).
    public let instance: String?

    public init(rule: String, detail: String, lines: [Int], instance: String? = nil) {
        self.rule = rule
        self.detail = detail
        self.lines = lines
        self.instance = instance
    }

    public var description: String {
        "\(rule): \(detail)"
            + (lines.isEmpty ? "" : " (history lines \(lines.map(String.init).joined(separator: ", ")))")
    }
}

/// The checker's rules.
public enum ChaosChecker {
    /// Every violation of `history` against `observation`; `siteOf` gives a node's site.
    public static func violations(
        of history: [ChaosOperation], observation: ChaosObservation, siteOf: (String) -> String?
    ) -> [ChaosViolation] {
        var violations: [ChaosViolation] = []
        // Every hash any write attempt sent for each instance: a failed write may still have been stored.
        var written: [String: Set<String>] = [:]
        for operation in history where operation.kind == .write {
            for instance in operation.instances { written[instance.uid, default: []].insert(instance.sha256) }
        }
        let survivors = observation.reads.keys.sorted()
        for (index, operation) in history.enumerated() {
            let line = index + 1
            switch operation.kind {
            case .write where operation.outcome == .ok:
                let isKept =
                    operation.ackMode == "remote"
                    || !observation.sitesWithoutDisks.contains(siteOf(operation.node) ?? "")
                guard isKept else { continue }
                for instance in operation.instances {
                    for node in survivors {
                        guard let read = observation.reads[node]?[instance.uid] ?? nil else {
                            violations.append(
                                ChaosViolation(
                                    rule: "lost",
                                    detail: "\(instance.uid), acknowledged by \(operation.node) with "
                                        + "ack=\(operation.ackMode ?? "local"), cannot be read at \(node)",
                                    lines: [line], instance: instance.uid))
                            continue
                        }
                        if !(written[instance.uid] ?? []).contains(read) {
                            violations.append(
                                ChaosViolation(
                                    rule: "corrupt read",
                                    detail: "\(node) returns \(instance.uid) with SHA-256 \(read.prefix(16))…, "
                                        + "which no write sent", lines: [line], instance: instance.uid))
                        }
                    }
                }
            case .read where operation.outcome == .ok:
                for instance in operation.instances where !(written[instance.uid] ?? []).contains(instance.sha256) {
                    violations.append(
                        ChaosViolation(
                            rule: "corrupt read",
                            detail: "\(operation.node) returned \(instance.uid) with SHA-256 "
                                + "\(instance.sha256.prefix(16))…, which no write sent", lines: [line],
                            instance: instance.uid))
                }
            default:
                continue
            }
        }
        let fingerprints = Dictionary(grouping: observation.catalogs.keys.sorted()) { observation.catalogs[$0] ?? "" }
        if fingerprints.count > 1 {
            let groups = fingerprints.values.map { $0.joined(separator: ", ") }.sorted()
            violations.append(
                ChaosViolation(
                    rule: "catalogs differ",
                    detail: "the nodes' catalogs did not converge: "
                        + groups.map { "[\($0)]" }.joined(separator: " ≠ "),
                    lines: []))
        }
        return violations
    }
}
