// The heal wait as it went, one JSON line per poll in the run's `heal.jsonl`: for each node, the members it saw
// alive, its instances below R copies (its regional catalog counted now, and by its copy audit's last full walk),
// its outbox and the start of its catalog fingerprint, so whoever reads a slow "back to R copies" sees which node
// held it up and with what.
import Chaos
import Foundation
import Node

/// One poll of the heal wait.
struct HealPoint: Encodable {
    /// What one node reported.
    struct NodeState: Encodable {
        var alive: Int?
        var belowReplicaCount: Int?
        var belowReplicaCountLastAuditWalk: Int?
        var outboxDepth: Int?
        var catalog: String?
    }

    /// Seconds since the heal.
    var seconds: Double
    var nodes: [String: NodeState]

    init(
        seconds: Double, reports: [NodeHealth?], copies: [CopiesReport?], names: [String], catalogs: [String: String]
    ) {
        self.seconds = (seconds * 10).rounded() / 10
        var nodes: [String: NodeState] = [:]
        for (index, name) in names.enumerated() {
            let report = reports[index]
            nodes[name] = NodeState(
                alive: report?.membership?.alive, belowReplicaCount: copies[index]?.belowReplicaCount,
                belowReplicaCountLastAuditWalk: report?.region?.instancesBelowReplicaCount,
                outboxDepth: report?.region?.outboxDepth, catalog: catalogs[name].map { String($0.prefix(12)) })
        }
        self.nodes = nodes
    }

    /// Writes `points` as JSON lines to `path`.
    static func save(_ points: [HealPoint], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try points.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        guard FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        else { throw ClientError("cannot write \(path)") }
    }
}
