// Goal: the regional catalog's merge rule converges whatever the order, repeats or timing of updates; tombstones
// delete, expire and stay expired; and the digest tree finds exactly the buckets two catalogs differ in.
// Method: seeded random histories of instance rows, holdings and deletions from three clocks, applied in many orders.
import Catalog
import Primitives
import Testing

@Suite struct RegionalMergeTests {
    static let node = [NodeID(0xA1), NodeID(0xB2), NodeID(0xC3)]

    static func version(_ milliseconds: Int64, _ logical: UInt16 = 0, by node: Int = 0) -> HLCTimestamp {
        HLCTimestamp(physicalMilliseconds: milliseconds, logical: logical, nodeID: Self.node[node])
    }

    /// A random history: instance rows, holdings by the three nodes and deletions of both, over `instanceCount` UIDs.
    static func history(seed: UInt64, count: Int, instanceCount: Int) -> [RegionalRow] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let uid = "1.2.826.0.1.3680043.10.99.\(random.next() % UInt64(instanceCount))"
            let writer = Int(random.next() % 3)
            let version = Self.version(1_000 + Int64(random.next() % 500), UInt16(random.next() % 3), by: writer)
            let key =
                random.next() % 2 == 0
                ? RegionalKey.instance(uid) : RegionalKey.holding(uid, by: Self.node[Int(random.next() % 3)])
            if random.next() % 5 == 0 { return .tombstone(key, version: version) }
            let payload = key.kind == .instance ? Array("record \(random.next() % 7)".utf8) : []
            return .live(key, version: version, payload: payload)
        }
    }

    @Test(
        "permuted, duplicated and reordered updates merge to one state, the latest version of each key",
        arguments: [1, 2, 3])
    func orderIndependent(seed: UInt64) {
        let updates = Self.history(seed: seed, count: 400, instanceCount: 40)
        var expected: [RegionalKey: RegionalRow] = [:]
        for row in updates { expected[row.key] = expected[row.key].map { row.merged(with: $0) } ?? row }
        var random = SeededRandom(seed: seed ^ 0xFEED)
        var first: RegionalCatalogState?
        for _ in 0..<12 {
            var delivered = updates + updates.prefix(Int(random.next() % 100))
            delivered.shuffle(using: &random)
            var state = RegionalCatalogState()
            for row in delivered { state.apply(row, tombstoneHorizonMilliseconds: 0) }
            #expect(state.rows == expected)
            if let first {
                #expect(state == first)
                #expect(state.digests.root == first.digests.root)
            }
            first = first ?? state
        }
    }

    @Test("a later version wins; at one version a tombstone beats a write; an older row never replaces a newer")
    func precedence() {
        let key = RegionalKey.instance("1.2.3")
        let old = RegionalRow.live(key, version: Self.version(10), payload: [1])
        let new = RegionalRow.live(key, version: Self.version(10, 1), payload: [2])
        let newer = RegionalRow.live(key, version: Self.version(10, 1, by: 1), payload: [0])
        #expect(new.supersedes(old) && !old.supersedes(new))
        #expect(newer.supersedes(new))  // the node id breaks the tie of (physical, logical)
        let deleted = RegionalRow.tombstone(key, version: Self.version(10, 1))
        #expect(deleted.supersedes(new) && !new.supersedes(deleted))
        #expect(!old.supersedes(old))
        var state = RegionalCatalogState()
        let changed1 = state.apply(new, tombstoneHorizonMilliseconds: 0)
        #expect(changed1)
        let changed2 = state.apply(old, tombstoneHorizonMilliseconds: 0)
        #expect(!changed2)
        let changed3 = state.apply(new, tombstoneHorizonMilliseconds: 0)
        #expect(!changed3)
        #expect(state.rows[key] == new)
        let changed4 = state.apply(deleted, tombstoneHorizonMilliseconds: 0)
        #expect(changed4)
        #expect(state.liveRows.isEmpty && state.rows[key] == deleted)
    }

    @Test("a tombstone past retention deletes what it supersedes, is not kept, and a peer cannot bring it back")
    func tombstoneExpiry() {
        let uid = "1.2.840.1"
        let holding = RegionalKey.holding(uid, by: Self.node[1])
        let live = RegionalRow.live(holding, version: Self.version(100))
        let deleted = RegionalRow.tombstone(holding, version: Self.version(200))
        var kept = RegionalCatalogState()
        kept.apply(live, tombstoneHorizonMilliseconds: 0)
        kept.apply(deleted, tombstoneHorizonMilliseconds: 0)
        #expect(kept.holders(of: uid).isEmpty)
        let purged = kept.purgeTombstones(before: 300)
        #expect(purged == 1)
        #expect(kept.rows.isEmpty && kept.digests.root == .zero)
        // A peer that still holds the tombstone sends it: nothing to delete, nothing kept.
        let changed5 = kept.apply(deleted, tombstoneHorizonMilliseconds: 300)
        #expect(!changed5)
        #expect(kept.rows.isEmpty)
        // A node that still holds the live row removes it outright.
        var stale = RegionalCatalogState()
        stale.apply(live, tombstoneHorizonMilliseconds: 0)
        let changed6 = stale.apply(deleted, tombstoneHorizonMilliseconds: 300)
        #expect(changed6)
        #expect(stale == kept)
        // An older write arriving after an unexpired tombstone does not resurrect the holding.
        var fresh = RegionalCatalogState()
        fresh.apply(deleted, tombstoneHorizonMilliseconds: 0)
        let changed7 = fresh.apply(live, tombstoneHorizonMilliseconds: 0)
        #expect(!changed7)
        #expect(fresh.holders(of: uid).isEmpty)
    }

    @Test("the digest tree finds exactly the buckets two catalogs differ in; exchanging them makes the catalogs equal")
    func digestsFindDifferences() throws {
        var left = RegionalCatalogState()
        for row in Self.history(seed: 9, count: 3_000, instanceCount: 2_000) {
            left.apply(row, tombstoneHorizonMilliseconds: 0)
        }
        var right = left
        #expect(left.digests.differingBuckets(from: right.digests).isEmpty)
        let changed = ["1.2.826.0.1.3680043.10.99.5", "1.2.826.0.1.3680043.10.99.77", "9.9.9"]
        right.apply(
            .live(.instance(changed[0]), version: Self.version(5_000), payload: [7]), tombstoneHorizonMilliseconds: 0)
        right.apply(.tombstone(.instance(changed[1]), version: Self.version(5_000)), tombstoneHorizonMilliseconds: 0)
        left.apply(
            .live(.holding(changed[2], by: Self.node[2]), version: Self.version(5_000)), tombstoneHorizonMilliseconds: 0
        )
        let expected = Set(
            changed.map { RegionalFingerprint.bucket(of: $0, bucketCount: RegionalDigestTree.bucketCount) })
        let differing = left.digests.differingBuckets(from: right.digests)
        #expect(Set(differing) == expected)
        for row in right.rows(inBuckets: Set(differing)) { left.apply(row, tombstoneHorizonMilliseconds: 0) }
        for row in left.rows(inBuckets: Set(differing)) { right.apply(row, tombstoneHorizonMilliseconds: 0) }
        #expect(left == right)
        #expect(left.digests.root == right.digests.root)
    }

    @Test("a peer's reply of the wrong length is refused, not compared")
    func malformedReply() {
        let tree = RegionalDigestTree()
        #expect(tree.differingChildren(of: [0], atLevel: 0, theirs: []) == nil)
        #expect(tree.differingChildren(of: [0], atLevel: 0, theirs: Array(repeating: .zero, count: 17)) == nil)
        #expect(tree.differingChildren(of: [0], atLevel: 0, theirs: Array(repeating: .zero, count: 16)) == [])
    }

    @Test("fingerprints and buckets are a format constant: fixed values for a fixed row")
    func fingerprintIsStable() {
        let row = RegionalRow.live(
            .instance("1.2.3.4"), version: Self.version(1_700_000_000_000, 3), payload: [1, 2, 3])
        let fingerprint = RegionalFingerprint(of: row)
        #expect(fingerprint == RegionalFingerprint(high: 2_843_560_212_510_793_861, low: 1_308_236_036_287_573_340))
        #expect(RegionalFingerprint.bucket(of: "1.2.3.4", bucketCount: RegionalDigestTree.bucketCount) == 3_807)
        #expect(RegionalFingerprint(of: .tombstone(.instance("1.2.3.4"), version: row.version)) != fingerprint)
    }
}
