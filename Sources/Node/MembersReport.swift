// What `GET /admin/members` answers: every member this node knows with its state, incarnation, place, addresses,
// Vivaldi's RTT estimate and how long ago it was heard, plus this node's gossip drop counts per cause. The JSON
// field names are part of what operators read; change them only with the README.
import Membership
public import Primitives

/// The member list as `/admin/members` reports it.
public struct MembersReport: Encodable, Sendable {
    /// One member.
    public struct Member: Encodable, Sendable, Equatable {
        /// 16 hex digits.
        public var nodeID: String
        /// "alive", "suspect", "dead" or "left".
        public var state: String
        /// Its incarnation as known here.
        public var incarnation: UInt64
        /// Its site and territory.
        public var site: String
        public var territory: String
        /// Its gossip and HTTP addresses, "host:port".
        public var gossipAddress: String
        public var httpAddress: String
        /// Vivaldi's RTT estimate from this node, in milliseconds; null for this node and unknown coordinates.
        public var rttMilliseconds: Double?
        /// Seconds since it was last heard from directly; null for this node and members never heard.
        public var secondsSinceLastHeard: Double?
        /// The version of its metadata.
        public var metadataVersion: UInt64
        /// Whether this row is the answering node.
        public var isSelf: Bool

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(nodeID, forKey: .nodeID)
            try container.encode(state, forKey: .state)
            try container.encode(incarnation, forKey: .incarnation)
            try container.encode(site, forKey: .site)
            try container.encode(territory, forKey: .territory)
            try container.encode(gossipAddress, forKey: .gossipAddress)
            try container.encode(httpAddress, forKey: .httpAddress)
            try container.encode(rttMilliseconds, forKey: .rttMilliseconds)
            try container.encode(secondsSinceLastHeard, forKey: .secondsSinceLastHeard)
            try container.encode(metadataVersion, forKey: .metadataVersion)
            try container.encode(isSelf, forKey: .isSelf)
        }

        private enum Key: String, CodingKey {
            case nodeID, state, incarnation, site, territory, gossipAddress, httpAddress, rttMilliseconds
            case secondsSinceLastHeard, metadataVersion, isSelf
        }
    }

    /// The answering node's id.
    public var nodeID: String
    /// Whether it has joined (a seed answered, or it founded the region).
    public var joined: Bool
    /// Every member, by node id.
    public var members: [Member]
    /// Gossip envelopes this node dropped, per cause ("authentication_failed", "unknown_key", …).
    public var gossipDrops: [String: UInt64]
    /// Authenticated gossip whose content did not decode.
    public var gossipUndecodable: UInt64
    /// Push-pull exchanges this node opened that failed.
    public var pushPullFailures: Int

    /// The report of `snapshot` at `now` (the reactor's monotonic clock).
    public init(snapshot: MembershipSnapshot, now: Instant) {
        nodeID = snapshot.localNodeID.description
        joined = snapshot.isJoined
        members = snapshot.rows.map { row in
            let metadata = row.metadata
            return Member(
                nodeID: row.nodeID.description, state: "\(row.status)", incarnation: row.incarnation,
                site: metadata.site.name, territory: metadata.territory.name,
                gossipAddress: metadata.gossipAddress.description, httpAddress: metadata.httpAddress.description,
                rttMilliseconds: row.rttMilliseconds,
                secondsSinceLastHeard: row.lastHeard.map { now.seconds(since: $0) },
                metadataVersion: metadata.metadataVersion, isSelf: row.nodeID == snapshot.localNodeID)
        }
        gossipDrops = snapshot.dropCounts
        gossipUndecodable = snapshot.undecodableCount
        pushPullFailures = snapshot.pushPullFailureCount
    }
}
