// What the runner watches while a scenario plays, once a second, from the fabric's observer (which reaches every
// node whatever the cuts): every live node's member list (when a killed or paused node is first seen dead; a live
// node marked dead by another live one, outside the time a cut or a restart excuses), its health report (outbox,
// copies below R, members alive) and its resident memory (/proc). The checker's health rules judge what it saw.
import Chaos
import Foundation
import Node
import Posix
import Primitives
import Synchronization

/// The monitor thread of one run.
final class ChaosMonitor: Sendable {
    /// How long after a fault ends its nodes may still be seen dead (the reconnect push-pull, a rejoin).
    static let settleMilliseconds: Int64 = 30_000

    let nodes: ChaosNodes
    private let clock = RealTimeClock()
    private let isStopped = Atomic<Bool>(false)
    private let thread = Mutex<OwnedThread?>(nil)
    private let seen = Mutex(Seen())

    struct Seen {
        /// Node name → node id, learned from each node's own row.
        var ids: [String: String] = [:]
        /// Node → until when (ms) it is excused: a fault on it, or a cut it is on a side of.
        var impairedUntil: [String: Int64] = [:]
        var detections: [ChaosHealth.Detection] = []
        var falseDeaths: [ChaosHealth.FalseDeath] = []
        var memory: [String: [UInt64]] = [:]
        var health: [String: NodeHealth] = [:]
    }

    init(nodes: ChaosNodes) { self.nodes = nodes }

    func start() {
        thread.withLock {
            $0 = OwnedThread(name: "chaos-monitor") { [self] in
                let client = ChaosClient(nodes: nodes, clock: clock)
                while !isStopped.load(ordering: .relaxed) {
                    poll(client)
                    ChildProcess.pause(milliseconds: 1_000)
                }
            }
        }
    }

    func stop() {
        isStopped.store(true, ordering: .sequentiallyConsistent)
        thread.withLock { $0 }?.join()
    }

    /// A fault begins on `names`: what they see and how they are seen is excused until `release`.
    func impair(_ names: [String]) {
        seen.withLock { for name in names { $0.impairedUntil[name] = .max } }
    }

    /// The fault on `names` ended; they are excused a while longer while the region settles.
    func release(_ names: [String]) {
        let until = clock.millisecondsSinceEpoch() + Self.settleMilliseconds
        seen.withLock { for name in names { $0.impairedUntil[name] = until } }
    }

    /// Ends every excuse (after the final heal), from now plus the settling time.
    func releaseAll() { release(nodes.nodes.map(\.name)) }

    /// Node `name` was killed or paused now: the checker wants it seen dead within the bound.
    func expectDeath(_ name: String) {
        let now = clock.millisecondsSinceEpoch()
        seen.withLock {
            $0.detections.append(ChaosHealth.Detection(node: name, faultMilliseconds: now, seenDeadMilliseconds: nil))
        }
    }

    /// Node `name` came back: a detection still open is dropped if the fault was shorter than the bound.
    func cameBack(_ name: String, boundSeconds: Double) {
        let now = clock.millisecondsSinceEpoch()
        seen.withLock { seen in
            seen.detections.removeAll { detection in
                detection.node == name && detection.seenDeadMilliseconds == nil
                    && Double(now - detection.faultMilliseconds) / 1_000 < boundSeconds
            }
        }
    }

    /// The latest health report of each node that answered.
    var health: [String: NodeHealth] { seen.withLock { $0.health } }

    /// What the checker's health rules take, with `copiesRestoredSeconds` from the heal wait.
    func report(copiesRestoredSeconds: Double?) -> ChaosHealth {
        seen.withLock { seen in
            ChaosHealth(
                copiesRestoredSeconds: copiesRestoredSeconds, detections: seen.detections,
                falseDeaths: seen.falseDeaths,
                finalOutboxDepths: seen.health.mapValues { $0.region?.outboxDepth ?? 0 },
                memorySamples: seen.memory)
        }
    }

    // MARK: - Polling

    private func poll(_ client: ChaosClient) {
        let now = clock.millisecondsSinceEpoch()
        let pids = nodes.pids()
        for (name, pid) in pids {
            if let resident = Self.residentBytes(pid: pid) {
                seen.withLock { $0.memory["\(name) (pid \(pid))", default: []].append(resident) }
            }
        }
        for name in nodes.running() where nodes.isLive(name) {
            if let body = client.json("/healthz", at: name),
                let health = try? JSONDecoder().decode(NodeHealth.self, from: Data(body))
            {
                seen.withLock { $0.health[name] = health }
            }
            guard let body = client.json("/admin/members", at: name),
                let report = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                let members = report["members"] as? [[String: Any]]
            else { continue }
            let states = members.compactMap { row -> (String, String, Bool)? in
                guard let id = row["nodeID"] as? String, let state = row["state"] as? String else { return nil }
                return (id, state, row["isSelf"] as? Bool ?? false)
            }
            seen.withLock { seen in
                if let own = states.first(where: \.2) { seen.ids[name] = own.0 }
                let names = Dictionary(seen.ids.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                for (id, state, _) in states where state == "dead" {
                    guard let member = names[id] else { continue }
                    for index in seen.detections.indices
                    where seen.detections[index].node == member && seen.detections[index].seenDeadMilliseconds == nil {
                        seen.detections[index] = ChaosHealth.Detection(
                            node: member, faultMilliseconds: seen.detections[index].faultMilliseconds,
                            seenDeadMilliseconds: now)
                    }
                    let excused = seen.impairedUntil
                    let isExcused = { (node: String) in (excused[node] ?? 0) >= now }
                    if nodes.isLive(member) && !isExcused(member) && !isExcused(name)
                        && !seen.falseDeaths.contains(where: { $0.node == member && $0.byNode == name })
                    {
                        seen.falseDeaths.append(ChaosHealth.FalseDeath(node: member, byNode: name, milliseconds: now))
                    }
                }
            }
        }
    }

    /// VmRSS of process `pid`, in bytes.
    static func residentBytes(pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        let kilobytes = line.split(separator: " ").compactMap { UInt64($0) }.first
        return kilobytes.map { $0 * 1_024 }
    }
}
