// Runs one anti-entropy round against a peer: the pure round decides what to ask, the peer answers, the rows of
// the differing buckets are merged into this node's catalog (their live instances catalogued, so QIDO-RS answers for
// the region). Blocking: runs on an owned thread.
public import Catalog

/// What one round with one peer did.
public struct AntiEntropyReport: Sendable, Equatable {
    /// Digest requests made.
    public var digestRequests = 0
    /// Buckets whose rows were pulled (0: the catalogs were equal).
    public var bucketsPulled = 0
    /// Rows received, and how many changed something here.
    public var rowsReceived = 0
    public var rowsChanged = 0
    /// Instances newly catalogued from the rows.
    public var instancesCatalogued = 0
    /// Rows kept but not catalogued, each with why.
    public var uncatalogued: [String] = []
    /// Instances deleted elsewhere in the region, now gone from this catalog: a copy here is the caller's to drop.
    public var deleted: [CatalogDeletedInstance] = []

    public init() {}
}

/// One puller-side round.
public enum AntiEntropyPull {
    /// Pulls what `peer` has that `catalog` lacks or holds older; tombstones before `tombstoneHorizonMilliseconds`
    /// are not kept. Throws the peer's failure, or `ReplicaError(.malformed)` when its answers make no sense.
    public static func run(with peer: any ReplicaPeer, into catalog: Catalog, tombstoneHorizonMilliseconds: Int64)
        throws -> AntiEntropyReport
    {
        var report = AntiEntropyReport()
        var round = AntiEntropyRound()
        var step = round.start()
        while true {
            switch step {
            case .requestDigests(let level, let parents):
                report.digestRequests += 1
                let digests = try peer.digests(level: level, indices: parents)
                step = round.received(digests: digests, mine: catalog.regionalDigestTree)
            case .pullBuckets(let buckets):
                let rows = try peer.rows(inBuckets: buckets)
                let asked = Set(buckets)
                guard
                    rows.allSatisfy({
                        asked.contains(
                            RegionalFingerprint.bucket(
                                of: $0.key.instanceUID, bucketCount: RegionalDigestTree.bucketCount))
                    })
                else {
                    throw ReplicaError(.malformed, "the peer sent rows of buckets nobody asked for")
                }
                report.bucketsPulled += buckets.count
                report.rowsReceived += rows.count
                let applied = try catalog.applyRegional(
                    rows, tombstoneHorizonMilliseconds: tombstoneHorizonMilliseconds)
                report.rowsChanged += applied.changed
                report.instancesCatalogued += applied.catalogued
                report.uncatalogued += applied.uncatalogued
                report.deleted += applied.deleted
                step = round.pulled()
            case .finished:
                return report
            case .failed(let reason):
                throw ReplicaError(.malformed, "anti-entropy with the peer failed: \(reason)")
            }
        }
    }
}
