// What `GET /admin/region` answers and the region page draws: every member this node knows, with its state as this
// node sees it and the health report it gives over the internal API (free space, outbox, lag, copies), fetched from
// all of them at once, so an operator sees the whole region at one node.
import Foundation
import Membership
import Primitives
import Replication
import Synchronization

/// The region at a glance.
public struct RegionReport: Codable, Sendable, Equatable {
    /// One member.
    public struct Member: Codable, Sendable, Equatable {
        public var nodeID: String
        public var territory: String
        public var site: String
        /// Alive, suspect, dead or left, as the answering node sees it.
        public var state: String
        public var http: String
        public var isSelf: Bool
        /// Its own report, nil when it did not answer.
        public var health: NodeHealth?
    }

    /// The answering node.
    public var nodeID: String
    /// Every member, by territory, site and node id.
    public var members: [Member]
}

extension RegionServices {
    /// Every member with its health, the others' asked for in parallel over the internal API.
    func regionReport(localHealth: () throws -> NodeHealth) -> RegionReport {
        let rows = membership.memberRows
        let answers = Mutex<[NodeID: NodeHealth]>([:])
        let jobs: [@Sendable () -> Void] = rows.filter { $0.nodeID != nodeID && $0.status.isActive }.map { row in
            { [self] in
                guard let peer = peer(for: row.metadata), let bytes = try? peer.health(),
                    let health = try? JSONDecoder().decode(NodeHealth.self, from: Data(bytes))
                else { return }
                answers.withLock { $0[row.nodeID] = health }
            }
        }
        if !jobs.isEmpty { _ = environment.executor.launch(jobs).results() }
        let others = answers.withLock { $0 }
        let mine = try? localHealth()
        let members = rows.map { row in
            RegionReport.Member(
                nodeID: row.nodeID.description, territory: row.metadata.territory.name, site: row.metadata.site.name,
                state: "\(row.status)", http: row.metadata.httpAddress.description, isSelf: row.nodeID == nodeID,
                health: row.nodeID == nodeID ? mine : others[row.nodeID])
        }
        .sorted { ($0.territory, $0.site, $0.nodeID) < ($1.territory, $1.site, $1.nodeID) }
        return RegionReport(nodeID: nodeID.description, members: members)
    }
}
