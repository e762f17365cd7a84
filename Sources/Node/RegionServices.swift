// A node's part in the region's data plane (DESIGN.md, "The cluster"): which other nodes placement gives each study
// it stores, the internal API it answers, and one loop on an executor thread that drains the replication outbox and,
// every few seconds, pulls what differs from a random live member's regional catalog. Peers are found through
// membership (their HTTP addresses) and reached with the cluster's credentials.
public import Catalog
import Coding
public import DICOMweb
import Foundation
import HTTP
public import Membership
public import ObjectStore
import Placement
public import Primitives
public import Replication
import Synchronization
import Transport

/// Placement, replication and anti-entropy for one node in a cluster.
public final class RegionServices: Sendable {
    /// What the loop did so far, for `/healthz`, `/metrics` and tests.
    public struct Figures: Sendable, Equatable {
        /// Outbox entries delivered, failed attempts, and chunk payload bytes sent.
        public var delivered = 0
        public var failedAttempts = 0
        public var chunkBytesSent: Int64 = 0
        public var chunksSkipped = 0
        /// Anti-entropy rounds run and failed, rows that changed something, instances learned.
        public var antiEntropyRounds = 0
        public var antiEntropyFailures = 0
        public var rowsChanged = 0
        public var instancesLearned = 0
        /// The copy audit: instances looked at, pulled here, healed from parity, surplus copies dropped, failures,
        /// and the chunk payload bytes pulled.
        public var audited = 0
        public var pulled = 0
        public var healed = 0
        public var dropped = 0
        public var auditFailures = 0
        public var healBytes: Int64 = 0
        /// Instances with fewer than R live holders at distinct sites, counted by the walk in progress and by the
        /// last one that ended.
        public var belowReplicaCountInWalk = 0
        public var belowReplicaCountLastWalk: Int?
    }

    let settings: NodeConfiguration.Cluster
    let nodeID: NodeID
    let site: SiteID
    let store: ObjectStore
    let catalog: Catalog
    let membership: any RegionMembership
    let environment: NodeEnvironment
    let log: @Sendable (String) -> Void
    let replicator: Replicator
    let puller: ReplicaPuller
    let clock: NodeClock
    /// The last instance UID the copy audit looked at; it walks on from there and starts over at the end.
    let auditCursor = Mutex("")
    /// Instances that could not be shared with the region (logged once each), so they are not retried every pass.
    let unshareable = Mutex<Set<String>>([])
    /// When the audit first saw each member dead or gone: it stays a holder until `downOut` has passed since.
    let downSince = Mutex<[NodeID: Instant]>([:])
    /// The internal API this node answers (on the mutual-TLS port when the region has certificates).
    public let responder: RegionalResponder
    /// What the client-facing port answers on internal routes: `responder` itself without TLS; with TLS, a refusal
    /// pointing at the internal port (counted with the rest).
    let clientPortResponder: RegionalResponder
    /// The client side of internal mutual TLS; nil when the internal API is plain HTTP with the key's token.
    private let internalTLS: TLSContext?
    private let clients = Mutex<[String: HTTPClient]>([:])
    private let state = Mutex(LoopState())
    let figuresState = Mutex(Figures())
    /// Each holder's recent answer times to this node's reads, for hedging.
    let holderLatencies = HolderLatencies()

    private struct LoopState: Sendable {
        var isStopping = false
        var run: ExecutorRun<Void>?
        /// When the next anti-entropy round is due.
        var nextRound: Instant?
    }
    /// Reaches a member's internal API; nil: over HTTP(S) to its advertised internal address.
    private let connect: (@Sendable (MemberMetadata) -> InternalAPIPeer?)?

    init(
        settings: NodeConfiguration.Cluster, nodeID: NodeID, site: SiteID, store: ObjectStore, catalog: Catalog,
        membership: any RegionMembership, clock: NodeClock, environment: NodeEnvironment, internalTLS: TLSContext?,
        connect: (@Sendable (MemberMetadata) -> InternalAPIPeer?)? = nil,
        localHealth: @escaping @Sendable () throws -> NodeHealth, log: @escaping @Sendable (String) -> Void
    ) {
        self.internalTLS = internalTLS
        self.connect = connect
        self.settings = settings
        self.nodeID = nodeID
        self.site = site
        self.store = store
        self.catalog = catalog
        self.membership = membership
        self.environment = environment
        self.log = log
        replicator = Replicator(store: store, catalog: catalog)
        self.clock = clock
        let wallClock = environment.wallClock
        let receiver = ReplicaReceiver(
            store: store, catalog: catalog, holder: nodeID, observe: { clock.observe($0) },
            nowMilliseconds: { wallClock.millisecondsSinceEpoch() })
        puller = ReplicaPuller(receiver: receiver)
        let health: @Sendable () throws -> [UInt8] = { Array(try JSONEncoder().encode(try localHealth())) }
        if internalTLS != nil || connect != nil {
            // The handshake checked the client certificate against the cluster CA before any request (or the
            // simulator's network delivers only between members).
            responder = RegionalResponder(
                catalog: catalog, receiver: receiver, isAuthenticated: { _ in true }, health: health)
            clientPortResponder = RegionalResponder(
                catalog: catalog, receiver: receiver, isAuthenticated: { _ in false }, refusals: responder.refusals,
                refusalReason: "internal routes are served only on the internal port, to nodes with a certificate of "
                    + "this cluster (mutual TLS)")
        } else {
            responder = RegionalResponder(
                catalog: catalog, receiver: receiver,
                isAuthenticated: { [membership] in
                    InternalCredentials.isAuthenticated($0, keyring: membership.clusterKeyring)
                }, health: health)
            clientPortResponder = responder
        }
    }

    /// Makes the data plane of a node the caller drives with `step()` (the region simulation): `membership` is its
    /// view of the members, `connect` reaches a member's internal API, `environment` its clocks, randomness and
    /// executor.
    public convenience init(
        settings: NodeConfiguration.Cluster, nodeID: NodeID, site: SiteID, store: ObjectStore, catalog: Catalog,
        membership: any RegionMembership, clock: NodeClock, environment: NodeEnvironment,
        connect: @escaping @Sendable (MemberMetadata) -> InternalAPIPeer?, log: @escaping @Sendable (String) -> Void
    ) {
        self.init(
            settings: settings, nodeID: nodeID, site: site, store: store, catalog: catalog, membership: membership,
            clock: clock, environment: environment, internalTLS: nil, connect: connect,
            localHealth: { throw NodeError(.configuration, "no health report outside a running node") }, log: log)
    }

    /// The figures so far.
    public var figures: Figures { figuresState.withLock { $0 } }

    /// The data plane's part of `/healthz`.
    func health(bytesFree: UInt64) throws -> NodeHealth.Region {
        let outbox = try catalog.outboxSummary()
        let now = environment.wallClock.millisecondsSinceEpoch()
        let figures = figures
        return NodeHealth.Region(
            territory: settings.territory, bytesFree: bytesFree, outboxDepth: outbox.depth,
            replicationLagSeconds: outbox.oldestEnqueuedMilliseconds.map { Double(max(0, now - $0)) / 1_000 } ?? 0,
            regionalRowCount: try catalog.regionalRowCount(),
            heldInstanceCount: try catalog.regionalHoldingCount(of: nodeID),
            instancesBelowReplicaCount: figures.belowReplicaCountLastWalk, delivered: figures.delivered,
            failedAttempts: figures.failedAttempts, chunkBytesSent: figures.chunkBytesSent,
            antiEntropyRounds: figures.antiEntropyRounds, instancesLearned: figures.instancesLearned,
            audited: figures.audited, pulled: figures.pulled, healed: figures.healed, dropped: figures.dropped,
            healBytes: figures.healBytes, readHedges: holderLatencies.hedgeCount)
    }

    // MARK: - Placement

    /// How `instances`, stored here now, are shared: the other holders placement gives each among the live
    /// members, placed by its study and its origin site (this node's site, or the site that first stored it when the
    /// region already knows it: an instance sent again at another site then moves nothing).
    public func sharing(of instances: [StoredInstanceName]) -> CatalogSharing {
        var targets: [String: [NodeID]] = [:]
        if let topology = liveTopology(), let policy = try? PlacementPolicy(replicaCount: settings.replicaCount) {
            for instance in instances
            where !instance.studyUID.isEmpty && instance.studyUID.utf8.count <= PlacementHash.studyUIDBytesMax {
                let origin = knownOrigin(of: instance.instanceUID) ?? site
                let placement = topology.place(studyUID: instance.studyUID, originSite: origin, policy: policy)
                targets[instance.instanceUID] = placement.holders.map(\.node).filter { $0 != nodeID }
            }
        }
        return CatalogSharing(
            holder: nodeID, targets: targets, nowMilliseconds: environment.wallClock.millisecondsSinceEpoch())
    }

    /// The origin site the regional catalog records for `instanceUID`, nil when it does not know the instance.
    func knownOrigin(of instanceUID: String) -> SiteID? {
        guard !instanceUID.isEmpty, instanceUID.utf8.count <= RegionalKey.instanceUIDBytesMax else { return nil }
        let bucket = RegionalFingerprint.bucket(of: instanceUID, bucketCount: RegionalDigestTree.bucketCount)
        guard
            let row = try? catalog.regionalRows(inBuckets: [bucket]).first(where: {
                $0.key == .instance(instanceUID) && !$0.isTombstone
            })
        else { return nil }
        return try? RegionalInstanceRecord.decode(row.payload).originSite
    }

    /// The live members (alive or suspect) as placement sees them; nil when they do not form a valid topology.
    func liveTopology() -> PlacementTopology? {
        Self.topology(of: membership.memberRows.filter { $0.status.isActive })
    }

    /// The topology of `rows`, versioned by their ids (the same members give the same version everywhere).
    static func topology(of rows: [MembershipSnapshot.Row]) -> PlacementTopology? {
        var version: UInt64 = 0xcbf2_9ce4_8422_2325
        let nodes = rows.map { row in
            version = (version ^ row.nodeID.rawValue) &* 0x100_0000_01b3
            return PlacementNode(
                id: row.nodeID, site: row.metadata.site, territory: row.metadata.territory,
                freeBytes: row.metadata.volumes.reduce(0) { $0 &+ $1.bytesFree })
        }
        return try? PlacementTopology(version: version, nodes: nodes)
    }

    // MARK: - Peers

    /// The peer `id`, if it is a live member.
    func peer(_ id: NodeID) -> InternalAPIPeer? {
        guard id != nodeID,
            let row = membership.memberRows.first(where: { $0.nodeID == id && $0.status.isActive })
        else { return nil }
        return peer(for: row.metadata)
    }

    /// The member `metadata` describes, through a kept client of its internal API (HTTPS with this node's
    /// certificate when the region has certificates).
    func peer(for metadata: MemberMetadata) -> InternalAPIPeer? {
        let ownHost = (try? ListenAddress.parse(settings.gossip, key: "cluster.gossip")).map(\.host)
        if let connect { return connect(metadata) }
        let base = (internalTLS == nil ? "http://" : "https://") + metadata.internalAddress.description
        let client: HTTPClient? = clients.withLock { [internalTLS] clients in
            if let client = clients[base] { return client }
            guard
                let client = try? HTTPClient(
                    baseURL: base, configuration: HTTPClientConfiguration(localHost: ownHost),
                    clock: environment.monotonicClock, tls: internalTLS)
            else { return nil }
            clients[base] = client
            return client
        }
        guard let client else { return nil }
        let membership = membership
        let usesToken = internalTLS == nil
        let clock = environment.monotonicClock
        return InternalAPIPeer { method, target, body, bodyLength, within in
            var headers = HTTPHeaders()
            if usesToken {
                headers.add(InternalCredentials.header, InternalCredentials.token(membership.clusterKeyring.primary))
            }
            headers.add("Content-Type", "application/octet-stream")
            let deadline = within.map { clock.now().advanced(byTicks: Int64($0 * Double(Instant.ticksPerSecond))) }
            do {
                let response = try client.send(
                    method: method, target: target, headers: headers, body: body, bodyLength: bodyLength,
                    headDeadline: deadline)
                return (response.status, response)
            } catch let error as TransportError where error.code == .timedOut && within != nil {
                let milliseconds = Int(((within ?? 0) * 1_000).rounded())
                throw ReplicaError(.slow, "no answer within \(milliseconds) ms, its recent p95 (hedged to the next)")
            }
        }
    }

    // MARK: - The loop

    /// Starts the loop on an executor thread.
    func start() throws(NodeError) {
        let run = environment.executor.startAlongside([{ [self] in loop() }])
        guard let run else {
            throw NodeError(.listen, "no thread is free for replication (the executor is full or stopped)")
        }
        state.withLock { $0.run = run }
    }

    /// Stops the loop and waits for it; later calls do nothing.
    func stop() {
        let run = state.withLock { state in
            defer { state.run = nil }
            state.isStopping = true
            return state.run
        }
        run?.join()
        for client in clients.withLock({ Array($0.values) }) { client.close() }
    }

    private func loop() {
        let clock = environment.monotonicClock
        while !state.withLock({ $0.isStopping }) {
            step()
            clock.sleep(until: clock.now().advanced(byTicks: Instant.ticksPerSecond / 5))
        }
    }

    /// One pass of the loop: catalogue what was stored while alone, send what the outbox has due, audit the next
    /// page of the regional catalog, and run an anti-entropy round when one is due. The loop runs it every 200 ms;
    /// the region simulation calls it on virtual time.
    public func step() {
        let now = environment.monotonicClock.now()
        let interval = Int64(settings.antiEntropyIntervalSeconds) * Instant.ticksPerSecond
        backfillNextPage(limit: 200)
        drainOutbox()
        auditNextPage(limit: max(1, settings.auditInstancesPerSecond / 5))
        let isRoundDue = state.withLock { state in
            guard let next = state.nextRound else {
                state.nextRound = now.advanced(byTicks: interval)
                return false
            }
            guard now >= next else { return false }
            state.nextRound = now.advanced(byTicks: interval)
            return true
        }
        if isRoundDue { pullFromRandomPeer() }
    }

    /// Sends what is due in the outbox.
    func drainOutbox() {
        let clock = environment.monotonicClock
        let until = clock.now().advanced(byTicks: Instant.ticksPerSecond)
        do {
            // Passes follow each other while they find a full page due, for up to a second: a backlog drains at
            // the batches' pace, and the loop's other work still runs every second.
            while true {
                let pass = try replicator.drain(
                    nowMilliseconds: environment.wallClock.millisecondsSinceEpoch(), limit: Self.outboxPageCount,
                    peer: { self.peer($0) }, log: log)
                guard pass != ReplicationPass() else { return }
                figuresState.withLock { figures in
                    figures.delivered += pass.delivered
                    figures.failedAttempts += pass.failed
                    figures.chunkBytesSent += pass.chunkBytesSent
                    figures.chunksSkipped += pass.chunksSkipped
                }
                let taken = pass.delivered + pass.failed + pass.held + pass.alreadyHeld
                guard taken == Self.outboxPageCount, pass.delivered > 0, clock.now() < until else { return }
            }
        } catch {
            log("reading the replication outbox failed: \(error)")
        }
    }

    /// Outbox entries one pass takes: four batches of the most a batch carries.
    static let outboxPageCount = 4 * ReplicaBatch.countMax

    /// One anti-entropy round with a random live member.
    func pullFromRandomPeer() {
        let others = membership.memberRows.filter { $0.status == .alive && $0.nodeID != nodeID }
        guard !others.isEmpty else { return }
        let chosen = others[Int(environment.random.next() % UInt64(others.count))]
        guard let peer = peer(for: chosen.metadata) else { return }
        let horizon =
            environment.wallClock.millisecondsSinceEpoch() - Int64(settings.tombstoneRetentionSeconds) * 1_000
        do {
            let report = try AntiEntropyPull.run(with: peer, into: catalog, tombstoneHorizonMilliseconds: horizon)
            figuresState.withLock { figures in
                figures.antiEntropyRounds += 1
                figures.rowsChanged += report.rowsChanged
                figures.instancesLearned += report.instancesCatalogued
            }
            for reason in report.uncatalogued.prefix(3) { log("a regional row was kept but not catalogued: \(reason)") }
            dropDeletedCopies(report.deleted)
        } catch {
            figuresState.withLock { $0.antiEntropyFailures += 1 }
            log("anti-entropy with node \(chosen.nodeID) failed: \(error)")
        }
    }
}
