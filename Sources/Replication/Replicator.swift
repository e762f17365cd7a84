// The sender side of replication: takes the outbox's due entries and, for each, offers the instance to its target,
// streams only the chunks the target lacks, and on the target's acknowledgement (its holding row) merges that row
// and ends the entry. A target that is not reachable keeps its entry (hinted handoff) and is tried again; one that
// fails is put off with exponential back-off, its reason kept for the operator. Blocking: runs on an owned thread.
public import Catalog
import Coding
public import ObjectStore
public import Primitives

/// What one pass over the outbox did.
public struct ReplicationPass: Sendable, Equatable {
    /// Entries whose target acknowledged.
    public var delivered = 0
    /// Entries put off because their target is not reachable now.
    public var held = 0
    /// Entries whose attempt failed.
    public var failed = 0
    /// Entries ended without sending: the regional catalog already has the target holding the instance (it took a
    /// copy from another holder, e.g. by its own audit, while this entry waited).
    public var alreadyHeld = 0
    /// Chunks sent, and their payload bytes.
    public var chunksSent = 0
    public var chunkBytesSent: Int64 = 0
    /// Chunks not sent because the target held them already.
    public var chunksSkipped = 0
    /// The longest time a delivered entry waited since it was enqueued, in milliseconds.
    public var lagMillisecondsMax: Int64 = 0

    public init() {}
}

/// Sends outbox entries to their targets.
public struct Replicator: Sendable {
    /// This node's store, where the chunks are read.
    public let store: ObjectStore
    /// This node's catalog: the outbox, the instance rows, the header JSON.
    public let catalog: Catalog
    /// The longest back-off after failures.
    public let retryMillisecondsMax: Int64
    /// How soon an entry whose target is unreachable is looked at again.
    public let unreachableRetryMilliseconds: Int64

    /// Makes a replicator.
    public init(
        store: ObjectStore, catalog: Catalog, retryMillisecondsMax: Int64 = 60_000,
        unreachableRetryMilliseconds: Int64 = 2_000
    ) {
        self.store = store
        self.catalog = catalog
        self.retryMillisecondsMax = retryMillisecondsMax
        self.unreachableRetryMilliseconds = unreachableRetryMilliseconds
    }

    /// Most chunk payload bytes one batch sends (the time one request takes, not memory: chunks stream).
    static let batchChunkBytesMax = 64 << 20
    /// Most header bytes one batch carries (a header at its limit goes alone).
    static let batchHeadBytesMax = 4 << 20

    /// Sends the entries due at `nowMilliseconds`, at most `limit`, to the peers `peer` finds (nil: the target is
    /// not reachable now), in batches per target. Failures are logged once per entry and attempt.
    public func drain(
        nowMilliseconds: Int64, limit: Int, peer: (NodeID) -> (any ReplicaPeer)?, log: (String) -> Void
    ) throws(CatalogError) -> ReplicationPass {
        var pass = ReplicationPass()
        let due = try catalog.outboxDue(atOrBefore: nowMilliseconds, limit: limit)
        var targets: [NodeID] = []
        var byTarget: [NodeID: [OutboxEntry]] = [:]
        for entry in due {
            if try catalog.regionalHolders(of: entry.instanceUID).contains(entry.target) {
                try catalog.completeOutbox(instanceUID: entry.instanceUID, target: entry.target)
                pass.alreadyHeld += 1
                continue
            }
            if byTarget[entry.target] == nil { targets.append(entry.target) }
            byTarget[entry.target, default: []].append(entry)
        }
        for target in targets {
            let entries = byTarget[target] ?? []
            guard let peer = peer(target) else {
                for entry in entries {
                    try catalog.deferOutbox(
                        instanceUID: entry.instanceUID, target: target,
                        untilMilliseconds: nowMilliseconds + unreachableRetryMilliseconds,
                        error: "node \(target) is not reachable (kept until it is)")
                }
                pass.held += entries.count
                continue
            }
            for (entry, outcome) in try send(entries, to: peer) {
                switch outcome {
                case .success(let sent):
                    pass.delivered += 1
                    pass.chunksSent += sent.chunks
                    pass.chunkBytesSent += Int64(sent.bytes)
                    pass.chunksSkipped += sent.skipped
                    pass.lagMillisecondsMax = max(
                        pass.lagMillisecondsMax, nowMilliseconds - entry.enqueuedMilliseconds)
                case .failure(let error):
                    pass.failed += 1
                    let backoff = min(retryMillisecondsMax, 1_000 << min(entry.attempts, 16))
                    let attempt = entry.attempts + 1
                    log("replicating \(entry.instanceUID) to node \(target) failed (attempt \(attempt)): \(error)")
                    try catalog.deferOutbox(
                        instanceUID: entry.instanceUID, target: target,
                        untilMilliseconds: nowMilliseconds + backoff, error: "\(error)")
                }
            }
        }
        return pass
    }

    /// What one delivered entry moved: chunks and payload bytes sent, chunks the target held already.
    public struct Sent: Sendable, Equatable {
        public var chunks: Int
        public var bytes: Int
        public var skipped: Int
    }

    /// Replicates `entries` (all for the node `target` reaches) in batches of up to `ReplicaBatch.countMax`: one
    /// request offers them all, one more transfers them with the chunks the target lacks, stored there with one
    /// commit. The holding rows of those acknowledged are merged here and their entries ended in one transaction; the
    /// outcome of each entry is returned (entries not ended stay in the outbox, for the caller to put off).
    public func send(_ entries: [OutboxEntry], to target: any ReplicaPeer) throws(CatalogError)
        -> [(entry: OutboxEntry, outcome: Result<Sent, any Error>)]
    {
        var outcomes: [(entry: OutboxEntry, outcome: Result<Sent, any Error>)] = []
        var group: [Local] = []
        var groupBytes = 0
        func flush() throws(CatalogError) {
            guard !group.isEmpty else { return }
            outcomes += try offerAndSend(group, to: target)
            group = []
            groupBytes = 0
        }
        for entry in entries {
            do {
                let local = try self.local(entry)
                if !group.isEmpty
                    && (group.count == ReplicaBatch.countMax || groupBytes + local.headBytes > Self.batchHeadBytesMax)
                {
                    try flush()
                }
                group.append(local)
                groupBytes += local.headBytes
            } catch let error as CatalogError {
                throw error
            } catch {
                outcomes.append((entry, .failure(error)))
            }
        }
        try flush()
        return outcomes
    }

    /// What this node sends of one entry: its manifest, instance row and header JSON.
    struct Local {
        let entry: OutboxEntry
        let manifest: Manifest
        let manifestBytes: [UInt8]
        let row: RegionalRow
        let metadata: [UInt8]
        var headBytes: Int { 32 + manifestBytes.count + metadata.count + 512 }
    }

    /// One entry offered and ready to go in a batch.
    struct Prepared {
        let entry: OutboxEntry
        let header: ReplicaHeader
        /// The chunks the target lacks, in manifest order.
        let needed: [ManifestEntry]
        let skipped: Int
        var chunkBytes: Int { needed.reduce(0) { $0 + Int($1.length) } }
    }

    /// The entry's manifest, instance row and header JSON from this node.
    private func local(_ entry: OutboxEntry) throws -> Local {
        let manifest = try store.manifest(entry.manifestAddress)
        let manifestBytes = manifest.encoded()
        guard SHA256.hash(manifestBytes) == entry.manifestAddress else {
            throw ReplicaError(.inconsistent, "the manifest of \(entry.manifestAddress) re-encodes differently")
        }
        let bucket = RegionalFingerprint.bucket(of: entry.instanceUID, bucketCount: RegionalDigestTree.bucketCount)
        guard
            let row = try catalog.regionalRows(inBuckets: [bucket]).first(where: {
                $0.key == .instance(entry.instanceUID) && !$0.isTombstone
            })
        else {
            throw ReplicaError(.inconsistent, "instance \(entry.instanceUID) has no live regional row here")
        }
        let metadata =
            try catalog.instances(studyInstanceUID: entry.studyInstanceUID, sopInstanceUID: entry.instanceUID)
            .first?.metadata ?? []
        return Local(entry: entry, manifest: manifest, manifestBytes: manifestBytes, row: row, metadata: metadata)
    }

    /// Offers `group` in one request, then sends what the target wants in batches of bounded chunk bytes.
    private func offerAndSend(_ group: [Local], to target: any ReplicaPeer) throws(CatalogError)
        -> [(entry: OutboxEntry, outcome: Result<Sent, any Error>)]
    {
        let answers: [Result<ChunkNeeds, ReplicaError>]
        do {
            answers = try target.offer(group.map { ($0.entry.manifestAddress, $0.manifestBytes) })
        } catch {
            return group.map { ($0.entry, .failure(error)) }
        }
        var outcomes: [(entry: OutboxEntry, outcome: Result<Sent, any Error>)] = []
        var batch: [Prepared] = []
        var chunkBytes = 0
        for (local, answer) in zip(group, answers) {
            let needs: ChunkNeeds
            switch answer {
            case .success(let answered): needs = answered
            case .failure(let error):
                outcomes.append((local.entry, .failure(error)))
                continue
            }
            let entries = local.manifest.entries
            let header = ReplicaHeader(
                manifest: local.manifestBytes, instanceRow: local.row, metadata: local.metadata, needs: needs)
            let needed = needs.neededPositions.map { entries[$0] }
            let prepared = Prepared(
                entry: local.entry, header: header, needed: needed, skipped: entries.count - needed.count)
            if !batch.isEmpty && chunkBytes + prepared.chunkBytes > Self.batchChunkBytesMax {
                outcomes += try sendBatch(batch, to: target)
                batch = []
                chunkBytes = 0
            }
            batch.append(prepared)
            chunkBytes += prepared.chunkBytes
        }
        if !batch.isEmpty { outcomes += try sendBatch(batch, to: target) }
        return outcomes
    }

    /// Sends one batch; merges the acknowledged holding rows and ends their entries in one transaction.
    private func sendBatch(_ batch: [Prepared], to target: any ReplicaPeer) throws(CatalogError)
        -> [(entry: OutboxEntry, outcome: Result<Sent, any Error>)]
    {
        let head = ReplicaBatch.encodeHead(batch.map { ($0.entry.manifestAddress, $0.header) })
        let chunks = batch.flatMap(\.needed)
        let body = ReplicaBodySource(prefix: head, chunkCount: chunks.count) { [store] in try store.chunk(chunks[$0]) }
        let answers: [Result<[RegionalRow], ReplicaError>]
        do {
            answers = try target.transfer(
                batchOf: batch.count, body: body, bodyLength: head.count + chunks.reduce(0) { $0 + Int($1.length) })
        } catch {
            return batch.map { ($0.entry, .failure(error)) }
        }
        var outcomes: [(entry: OutboxEntry, outcome: Result<Sent, any Error>)] = []
        var rows: [RegionalRow] = []
        var acknowledged: [(instanceUID: String, target: NodeID)] = []
        for (prepared, answer) in zip(batch, answers) {
            let entry = prepared.entry
            switch answer {
            case .success(let holding)
            where holding.contains(where: { $0.key == .holding(entry.instanceUID, by: entry.target) && !$0.isTombstone }
            ):
                rows += holding
                acknowledged.append((entry.instanceUID, entry.target))
                outcomes.append(
                    (
                        entry,
                        .success(
                            Sent(chunks: prepared.needed.count, bytes: prepared.chunkBytes, skipped: prepared.skipped))
                    ))
            case .success:
                outcomes.append(
                    (
                        entry,
                        .failure(
                            ReplicaError(.inconsistent, "node \(entry.target) acknowledged without its holding row"))
                    ))
            case .failure(let error):
                outcomes.append((entry, .failure(error)))
            }
        }
        try catalog.recordAcknowledgements(rows, completing: acknowledged)
        return outcomes
    }
}
