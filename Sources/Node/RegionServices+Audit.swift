// The copy audit (DESIGN.md, "Repair"): a walk over the regional catalog at a bounded rate, deciding for each
// instance with CopyAudit whether this node must pull it (placement assigns it here: a replacement after `downOut`,
// a node back from a partition), check its own copy (rebuilding shards from parity, fetching lost chunks from
// another holder), or drop a copy placement no longer assigns here once every assigned holder confirmed its own.
// Placement here counts a dead holder as a holder until it has been dead for `downOut`, so a short outage moves
// nothing.
import Catalog
import Membership
import ObjectStore
import Placement
import Primitives
import Replication
import Synchronization

extension RegionServices {
    /// Audits the next `limit` instances of the walk.
    func auditNextPage(limit: Int) {
        let after = auditCursor.withLock { $0 }
        let page: [(row: RegionalRow, holders: [NodeID])]
        do {
            page = try catalog.regionalInstancesPage(afterInstanceUID: after, limit: limit)
        } catch {
            log("the copy audit cannot read the regional catalog: \(error)")
            return
        }
        auditCursor.withLock { $0 = page.last?.row.key.instanceUID ?? "" }
        if page.isEmpty {
            figuresState.withLock { figures in
                if !after.isEmpty { figures.belowReplicaCountLastWalk = figures.belowReplicaCountInWalk }
                figures.belowReplicaCountInWalk = 0
            }
        }
        guard !page.isEmpty, let (topology, live) = auditTopology(),
            let policy = try? PlacementPolicy(replicaCount: settings.replicaCount)
        else { return }
        // Decide for the whole page first; pulls from one source then share a batch and its one commit.
        var tasks: [AuditTask] = []
        var pulls: [[UInt64]: [RegionalRow]] = [:]
        for (row, holders) in page {
            let holderSet = Set(holders.map(\.rawValue))
            guard
                let (decision, record) = decide(row, holders: holderSet, topology: topology, live: live, policy: policy)
            else { continue }
            if case .pull(let sources) = decision {
                pulls[sources, default: []].append(row)
            } else {
                tasks.append(.act(row, record, decision, holderSet))
            }
        }
        for (sources, rows) in pulls.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            for start in stride(from: 0, to: rows.count, by: Self.pullBatchCount) {
                tasks.append(.pull(Array(rows[start..<min(start + Self.pullBatchCount, rows.count)]), sources))
            }
        }
        // Tasks wait on round trips and commits: several at once.
        let work = tasks
        let cursor = TaskCursor()
        let job: @Sendable () -> Void = { [self] in
            while true {
                let index = cursor.next.add(1, ordering: .relaxed).oldValue
                guard index < work.count else { return }
                run(work[index], live: live)
            }
        }
        let workers = min(Self.auditWorkerCount, tasks.count)
        guard workers > 0 else { return }
        _ = environment.executor.launch([@Sendable () -> Void](repeating: job, count: workers)).results()
    }

    /// Audit tasks run at once.
    static let auditWorkerCount = 4
    /// Instances pulled from one source in one batch (one commit).
    static let pullBatchCount = 16

    /// One unit of an audit page's work.
    enum AuditTask: Sendable {
        /// Check, heal or drop one instance.
        case act(RegionalRow, RegionalInstanceRecord, CopyDecision, Set<UInt64>)
        /// Pull these instances, held by `sources`, in one batch.
        case pull([RegionalRow], [UInt64])
    }

    /// The decision for one instance (and its decoded record), counted in the walk's figures; nil for a row that
    /// cannot be placed.
    private func decide(
        _ row: RegionalRow, holders: Set<UInt64>, topology: PlacementTopology, live: Set<UInt64>,
        policy: PlacementPolicy
    ) -> (CopyDecision, RegionalInstanceRecord)? {
        guard let record = try? RegionalInstanceRecord.decode(row.payload),
            let study = record.attributes[CatalogTag.studyInstanceUID],
            study.utf8.count <= PlacementHash.studyUIDBytesMax
        else { return nil }
        let assigned = topology.place(studyUID: study, originSite: record.originSite, policy: policy).holders
            .map(\.node.rawValue)
        let decision = CopyAudit.decide(me: nodeID.rawValue, assigned: assigned, holders: holders, live: live)
        let isBelow = Self.isBelowReplicaCount(
            sites: Self.liveSites(of: holders, topology: topology, live: live), topology: topology, policy: policy)
        figuresState.withLock { figures in
            figures.audited += 1
            if isBelow { figures.belowReplicaCountInWalk += 1 }
        }
        return (decision, record)
    }

    private func run(_ task: AuditTask, live: Set<UInt64>) {
        switch task {
        case .pull(let rows, let sources):
            pullBatch(rows, from: sources)
        case .act(let row, let record, let decision, let holders):
            do {
                switch decision {
                case .nothing, .pull: break
                case .checkWhole: try checkWhole(row, record: record, holders: holders, live: live)
                case .dropSurplus: try dropSurplus(row, record: record)
                }
            } catch {
                figuresState.withLock { $0.auditFailures += 1 }
                log("the copy audit of \(row.key.instanceUID) (\(decision)) failed: \(error)")
            }
        }
    }

    /// Pulls `rows` from the first of `sources` in one batch; those that fail are pulled one by one from any.
    private func pullBatch(_ rows: [RegionalRow], from sources: [UInt64]) {
        guard let first = sources.first, let peer = peer(NodeID(first)) else {
            for row in rows { pullOne(row, from: sources) }
            return
        }
        for (row, outcome) in zip(rows, puller.pullAll(rows, from: peer)) {
            switch outcome {
            case .success(let bytes):
                figuresState.withLock { figures in
                    figures.pulled += 1
                    figures.healBytes += Int64(bytes)
                }
            case .failure:
                pullOne(row, from: sources)
            }
        }
    }

    /// Pulls one instance from any of `sources`, counting a failure.
    private func pullOne(_ row: RegionalRow, from sources: [UInt64]) {
        do { try pull(row, from: sources) } catch {
            figuresState.withLock { $0.auditFailures += 1 }
            log("the copy audit could not pull \(row.key.instanceUID): \(error)")
        }
    }

    private func pull(_ row: RegionalRow, from sources: [UInt64]) throws {
        let peers = sources.compactMap { id in peer(NodeID(id)).map { (node: NodeID(id), peer: $0 as any ReplicaPeer) }
        }
        let bytes = try puller.pull(row, from: peers)
        figuresState.withLock { figures in
            figures.pulled += 1
            figures.healBytes += Int64(bytes)
        }
    }

    /// Rebuilds missing shards from parity, or pulls the chunks this copy lost from another live holder.
    private func checkWhole(
        _ row: RegionalRow, record: RegionalInstanceRecord, holders: Set<UInt64>, live: Set<UInt64>
    ) throws {
        let store = puller.receiver.store
        switch store.wholeness(of: record.manifestAddress) {
        case .whole:
            return
        case .degraded:
            let manifest = try store.manifest(record.manifestAddress)
            for entry in manifest.entries { _ = try store.heal(entry.address) }
            _ = try store.heal(record.manifestAddress)
            figuresState.withLock { $0.healed += 1 }
        case .missing(let reason):
            log("the copy of \(row.key.instanceUID) here is not whole (\(reason)); fetching it from another holder")
            try pull(row, from: holders.filter { $0 != nodeID.rawValue && live.contains($0) }.sorted())
        }
    }

    /// Deletes this node's copy and records that it no longer holds it.
    private func dropSurplus(_ row: RegionalRow, record: RegionalInstanceRecord) throws {
        try catalog.dropHolding(instanceUID: row.key.instanceUID, by: nodeID, version: clock.next())
        try puller.receiver.store.delete(record.manifestAddress)
        figuresState.withLock { $0.dropped += 1 }
    }

    /// Placement's view for the audit: the live members plus those dead or gone for less than `downOut` (still
    /// holders, not yet replaced), and the set of those alive now; nil when they make no valid topology.
    func auditTopology() -> (PlacementTopology, Set<UInt64>)? {
        let now = environment.monotonicClock.now()
        let downOut = Int64(settings.downOutSeconds) * Instant.ticksPerSecond
        let all = membership.memberRows
        // When each member was first seen down here: a member's own last-heard time is unknown for one this node
        // only heard of through gossip.
        let downSince = self.downSince.withLock { downSince in
            for row in all {
                if row.status.isActive {
                    downSince[row.nodeID] = nil
                } else if downSince[row.nodeID] == nil {
                    downSince[row.nodeID] = now
                }
            }
            return downSince
        }
        let rows = all.filter { row in
            row.status.isActive || downSince[row.nodeID].map { now.ticks(since: $0) < downOut } ?? true
        }
        guard let topology = Self.topology(of: rows) else { return nil }
        return (topology, Set(rows.filter { $0.status.isActive }.map(\.nodeID.rawValue)))
    }
}

/// The next task to take, shared by jobs running at once.
final class TaskCursor: Sendable {
    let next = Atomic<Int>(0)
}
