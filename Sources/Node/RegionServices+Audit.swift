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
        // Pulls wait on round trips and commits: several instances at once.
        let next = SharedWork()
        let job: @Sendable () -> Void = { [self] in
            while true {
                let index = next.next.add(1, ordering: .relaxed).oldValue
                guard index < page.count else { return }
                let (row, holders) = page[index]
                audit(row, holders: Set(holders.map(\.rawValue)), topology: topology, live: live, policy: policy)
            }
        }
        let workers = min(Self.auditWorkerCount, page.count)
        _ = environment.executor.launch([@Sendable () -> Void](repeating: job, count: workers)).results()
    }

    /// Instances of a page audited at once.
    static let auditWorkerCount = 4

    private func audit(
        _ row: RegionalRow, holders: Set<UInt64>, topology: PlacementTopology, live: Set<UInt64>,
        policy: PlacementPolicy
    ) {
        guard let record = try? RegionalInstanceRecord.decode(row.payload),
            let study = record.attributes[CatalogTag.studyInstanceUID],
            study.utf8.count <= PlacementHash.studyUIDBytesMax
        else { return }
        let assigned = topology.place(studyUID: study, originSite: record.originSite, policy: policy).holders
            .map(\.node.rawValue)
        let decision = CopyAudit.decide(me: nodeID.rawValue, assigned: assigned, holders: holders, live: live)
        let liveSites = Set(
            holders.filter(live.contains).compactMap { id in topology.nodes.first { $0.id.rawValue == id }?.site })
        let isBelow = liveSites.count < min(policy.replicaCount, topology.sites.count)
        figuresState.withLock { figures in
            figures.audited += 1
            if isBelow { figures.belowReplicaCountInWalk += 1 }
        }
        do {
            switch decision {
            case .nothing:
                break
            case .pull(let sources):
                try pull(row, from: sources)
            case .checkWhole:
                try checkWhole(row, record: record, holders: holders, live: live)
            case .dropSurplus:
                try dropSurplus(row, record: record)
            }
        } catch {
            figuresState.withLock { $0.auditFailures += 1 }
            log("the copy audit of \(row.key.instanceUID) (\(decision)) failed: \(error)")
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
        let tombstone = RegionalRow.tombstone(.holding(row.key.instanceUID, by: nodeID), version: clock.next())
        _ = try catalog.applyRegional([tombstone], tombstoneHorizonMilliseconds: 0)
        try puller.receiver.store.delete(record.manifestAddress)
        figuresState.withLock { $0.dropped += 1 }
    }

    /// Placement's view for the audit: the live members plus those dead or gone for less than `downOut` (still
    /// holders, not yet replaced), and the set of those alive now; nil when they make no valid topology.
    func auditTopology() -> (PlacementTopology, Set<UInt64>)? {
        let now = environment.monotonicClock.now()
        let downOut = Int64(settings.downOutSeconds) * Instant.ticksPerSecond
        let all = membership.snapshot.rows
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
