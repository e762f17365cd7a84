// What a node's `/healthz` answers: status, version, node id, site, volumes and instances for a reader, the status
// alone for anyone else. The JSON field names are part of what operators' monitoring reads; change them only with
// the README.

import Membership

/// What `/healthz` reports about a node.
public struct NodeHealth: Codable, Sendable, Equatable {
    /// "ok", "degraded" (volumes missing, still serving) or "unavailable" (too few volumes to read or write).
    public var status: String
    /// The tessera version.
    public var version: String
    /// The node's id: the 16 hex digits of its node-id file.
    public var nodeID: String
    /// The node's site.
    public var site: String
    /// Volumes open out of those configured.
    public var volumesAvailable: Int
    /// Volumes configured.
    public var volumeCount: Int
    /// Instances in the catalog.
    public var instanceCount: Int
    /// Bytes of verified chunks and manifests the read cache holds now.
    public var readCacheBytes: Int
    /// Bytes the read cache may hold (`readCacheBytes` of the config); 0 when it is off.
    public var readCacheBytesMax: Int
    /// Chunk reads the cache answered since the node started.
    public var readCacheHitCount: Int
    /// Chunk reads that went to the volumes since the node started (with the cache on).
    public var readCacheMissCount: Int
    /// Instances stored since the node started whose patient attributes disagree with another study of their
    /// PatientID (`GET /admin/patient-conflicts` lists the PatientIDs).
    public var patientConflictCount: Int
    /// The node's view of its region; `enabled` false for a lone node (no `cluster` section).
    public var membership: Membership?
    /// Its part in the region's data plane; nil for a lone node.
    public var region: Region?

    /// Makes a report.
    public init(
        status: String, version: String, nodeID: String, site: String, volumesAvailable: Int, volumeCount: Int,
        instanceCount: Int,
        readCacheBytes: Int = 0, readCacheBytesMax: Int = 0, readCacheHitCount: Int = 0, readCacheMissCount: Int = 0,
        patientConflictCount: Int = 0, membership: Membership? = nil
    ) {
        self.membership = membership
        self.patientConflictCount = patientConflictCount
        self.status = status
        self.version = version
        self.nodeID = nodeID
        self.site = site
        self.volumesAvailable = volumesAvailable
        self.volumeCount = volumeCount
        self.instanceCount = instanceCount
        self.readCacheBytes = readCacheBytes
        self.readCacheBytesMax = readCacheBytesMax
        self.readCacheHitCount = readCacheHitCount
        self.readCacheMissCount = readCacheMissCount
    }
}

extension NodeHealth {
    /// The membership summary in `/healthz`.
    public struct Membership: Codable, Sendable, Equatable {
        /// Whether the node is configured into a region.
        public var enabled: Bool
        /// Whether a seed answered (or it founded the region).
        public var joined: Bool
        /// Members in each state, this node included.
        public var alive: Int
        public var suspect: Int
        public var dead: Int
        public var left: Int
        /// This node's incarnation.
        public var incarnation: UInt64

        /// The summary of `snapshot`; nil makes the summary of a lone node.
        public init(_ snapshot: MembershipSnapshot?) {
            enabled = snapshot != nil
            joined = snapshot?.isJoined ?? false
            alive = snapshot?.count(.alive) ?? 0
            suspect = snapshot?.count(.suspect) ?? 0
            dead = snapshot?.count(.dead) ?? 0
            left = snapshot?.count(.left) ?? 0
            incarnation = snapshot?.localIncarnation ?? 0
        }
    }

    /// The data plane in `/healthz`: replication, anti-entropy and the copy audit.
    public struct Region: Codable, Sendable, Equatable {
        /// The node's territory.
        public var territory: String
        /// Free bytes on the file systems of its volumes (each file system counted once).
        public var bytesFree: UInt64
        /// Instances waiting in the outbox for a target, and how long the oldest has waited (0 when none).
        public var outboxDepth: Int
        public var replicationLagSeconds: Double
        /// Rows of the regional catalog (instances and holdings, tombstones included).
        public var regionalRowCount: Int
        /// Instances this node holds a copy of, by the regional catalog.
        public var heldInstanceCount: Int
        /// Instances with fewer than R live holders at distinct sites, as of the copy audit's last full walk
        /// (nil before the first walk ended): 0 when every study has its copies.
        public var instancesBelowReplicaCount: Int?
        /// Since start: outbox entries delivered, failed attempts, chunk payload bytes sent.
        public var delivered: Int
        public var failedAttempts: Int
        public var chunkBytesSent: Int64
        /// Since start: anti-entropy rounds and the instances they taught this node.
        public var antiEntropyRounds: Int
        public var instancesLearned: Int
        /// Since start: the copy audit's instances looked at, pulled, healed, dropped, and bytes pulled.
        public var audited: Int
        public var pulled: Int
        public var healed: Int
        public var dropped: Int
        public var healBytes: Int64
        /// Since start: reads of objects held elsewhere that hedged away from a holder slower than its p95.
        public var readHedges: Int
    }

    /// The status of a node that serves everything.
    public static let ok = "ok"
    /// The status of a node with volumes missing that still reads and writes.
    public static let degraded = "degraded"
    /// The status of a node with too few volumes to read or write; `/healthz` answers it with a 503.
    public static let unavailable = "unavailable"

    /// What `/healthz` tells a request without a read token: the status alone.
    public struct Summary: Codable, Sendable, Equatable {
        /// "ok", "degraded" or "unavailable", as in the full report.
        public var status: String

        /// Makes a summary.
        public init(status: String) {
            self.status = status
        }
    }
}
