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

    /// Sends the entries due at `nowMilliseconds`, at most `limit`, to the peers `peer` finds (nil: the target is
    /// not reachable now). Failures are logged once per entry and attempt.
    public func drain(
        nowMilliseconds: Int64, limit: Int, peer: (NodeID) -> (any ReplicaPeer)?, log: (String) -> Void
    ) throws(CatalogError) -> ReplicationPass {
        var pass = ReplicationPass()
        for entry in try catalog.outboxDue(atOrBefore: nowMilliseconds, limit: limit) {
            guard let target = peer(entry.target) else {
                try catalog.deferOutbox(
                    instanceUID: entry.instanceUID, target: entry.target,
                    untilMilliseconds: nowMilliseconds + unreachableRetryMilliseconds,
                    error: "node \(entry.target) is not reachable (kept until it is)")
                pass.held += 1
                continue
            }
            do {
                let sent = try send(entry, to: target)
                pass.delivered += 1
                pass.chunksSent += sent.chunks
                pass.chunkBytesSent += Int64(sent.bytes)
                pass.chunksSkipped += sent.skipped
                pass.lagMillisecondsMax = max(pass.lagMillisecondsMax, nowMilliseconds - entry.enqueuedMilliseconds)
                try catalog.completeOutbox(instanceUID: entry.instanceUID, target: entry.target)
            } catch let error as CatalogError {
                throw error
            } catch {
                pass.failed += 1
                let backoff = min(retryMillisecondsMax, 1_000 << min(entry.attempts, 16))
                let attempt = entry.attempts + 1
                log("replicating \(entry.instanceUID) to node \(entry.target) failed (attempt \(attempt)): \(error)")
                try catalog.deferOutbox(
                    instanceUID: entry.instanceUID, target: entry.target,
                    untilMilliseconds: nowMilliseconds + backoff, error: "\(error)")
            }
        }
        return pass
    }

    /// Replicates one entry to `target`: offer, transfer of what it lacks, its holding row merged here.
    /// Returns the chunks and payload bytes sent and the chunks it already held.
    public func send(_ entry: OutboxEntry, to target: any ReplicaPeer) throws -> (chunks: Int, bytes: Int, skipped: Int)
    {
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
        let needs = try target.offer(address: entry.manifestAddress, manifest: manifestBytes)
        guard needs.count == manifest.entries.count else {
            throw ReplicaError(.malformed, "the target answered for \(needs.count) of \(manifest.entries.count) chunks")
        }
        let header = ReplicaHeader(manifest: manifestBytes, instanceRow: row, metadata: metadata, needs: needs)
        let chunkBytes = ReplicaBodySource.chunkBytes(header: header, entries: manifest.entries)
        let entries = manifest.entries
        let body = ReplicaBodySource(header: header) { [store] in try store.chunk(entries[$0]) }
        let rows = try target.transfer(
            address: entry.manifestAddress, body: body, bodyLength: header.encoded().count + chunkBytes)
        guard rows.contains(where: { $0.key == .holding(entry.instanceUID, by: entry.target) && !$0.isTombstone })
        else {
            throw ReplicaError(.inconsistent, "node \(entry.target) acknowledged without its holding row")
        }
        _ = try catalog.applyRegional(rows, tombstoneHorizonMilliseconds: 0)
        let sent = needs.neededPositions.count
        return (sent, chunkBytes, manifest.entries.count - sent)
    }
}
