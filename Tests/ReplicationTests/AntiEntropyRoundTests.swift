// Goal: an anti-entropy round finds what two regional catalogs differ in with a few small requests, pulls only the
// differing buckets, and rounds between random pairs make every catalog equal; a nonsensical peer ends the round.
// Method: in-memory catalogs from seeded histories, requests and rows carried through the real wire formats.
import Catalog
import Primitives
import Replication
import Testing

@Suite struct AntiEntropyRoundTests {
    /// What one round cost.
    struct RoundCost {
        var digestRequests = 0
        var bucketPulls = 0
        var rowsSent = 0
        var step = AntiEntropyRound.Step.finished(differingBuckets: 0)
    }

    static func uid(_ index: UInt64) -> String { "1.2.826.0.1.3680043.10.7.\(index)" }

    static func version(_ milliseconds: Int64, by node: UInt64) -> HLCTimestamp {
        HLCTimestamp(physicalMilliseconds: milliseconds, logical: 0, nodeID: NodeID(node))
    }

    static func catalog(instances: Range<UInt64>, by node: UInt64) -> RegionalCatalogState {
        var state = RegionalCatalogState()
        for index in instances {
            state.apply(
                .live(.instance(uid(index)), version: version(1_000, by: node), payload: Array("\(index)".utf8)),
                tombstoneHorizonMilliseconds: 0)
            state.apply(
                .live(.holding(uid(index), by: NodeID(node)), version: version(1_000, by: node)),
                tombstoneHorizonMilliseconds: 0)
        }
        return state
    }

    /// `local` pulls from `peer`, every request and reply through the wire formats.
    static func pull(into local: inout RegionalCatalogState, from peer: RegionalCatalogState) throws -> RoundCost {
        var round = AntiEntropyRound()
        var cost = RoundCost()
        var step = round.start()
        while true {
            switch step {
            case .requestDigests(let level, let parents):
                cost.digestRequests += 1
                let request = try RegionalWire.decodeRequest(RegionalWire.encodeRequest(level: level, indices: parents))
                let reply = RegionalWire.encodeDigests(
                    peer.digests.children(of: request.indices, atLevel: request.level))
                let digests = try RegionalWire.decodeDigests(reply, expectedCount: parents.count * 16)
                step = round.received(digests: digests, mine: local.digests)
            case .pullBuckets(let buckets):
                cost.bucketPulls += 1
                let rows = peer.rows(inBuckets: Set(buckets))
                cost.rowsSent += rows.count
                var stream = RegionalRowStream(rowsMax: 100_000)
                for row in try stream.append(rows.flatMap(RegionalRowStream.frame)) {
                    local.apply(row, tombstoneHorizonMilliseconds: 0)
                }
                try stream.finish()
                step = round.pulled()
            case .finished, .failed:
                cost.step = step
                return cost
            }
        }
    }

    @Test("equal catalogs: one request of 16 digests, nothing pulled")
    func equalCatalogs() throws {
        let peer = Self.catalog(instances: 0..<2_000, by: 1)
        var local = peer
        let cost = try Self.pull(into: &local, from: peer)
        #expect(cost.digestRequests == 1 && cost.bucketPulls == 0)
        #expect(cost.step == .finished(differingBuckets: 0))
    }

    @Test("catalogs of 10,000 instances that differ in five: three digest requests, one pull of those buckets")
    func fewDifferences() throws {
        var left = Self.catalog(instances: 0..<10_000, by: 1)
        var right = left
        for index: UInt64 in [3, 500, 9_999] {
            right.apply(
                .live(.holding(Self.uid(index), by: NodeID(2)), version: Self.version(2_000, by: 2)),
                tombstoneHorizonMilliseconds: 0)
        }
        left.apply(
            .tombstone(.instance(Self.uid(42)), version: Self.version(2_000, by: 1)), tombstoneHorizonMilliseconds: 0)
        left.apply(
            .live(.instance(Self.uid(20_000)), version: Self.version(2_000, by: 1)), tombstoneHorizonMilliseconds: 0)
        let leftPull = try Self.pull(into: &left, from: right)
        #expect(leftPull.digestRequests == 3 && leftPull.bucketPulls == 1)
        #expect(leftPull.step == .finished(differingBuckets: 5))
        #expect(leftPull.rowsSent < 100)
        let rightPull = try Self.pull(into: &right, from: left)
        #expect(rightPull.step == .finished(differingBuckets: 2))
        #expect(left.digests.root == right.digests.root && left.rows.count == right.rows.count)
        #expect(left.holders(of: Self.uid(500)) == [NodeID(1), NodeID(2)])
        #expect(left.rows[.instance(Self.uid(42))]?.isTombstone == true)
    }

    @Test("an empty node pulls a whole catalog, the filled buckets in batches of 256")
    func emptyNode() throws {
        let peer = Self.catalog(instances: 0..<5_000, by: 3)
        var local = RegionalCatalogState()
        let cost = try Self.pull(into: &local, from: peer)
        // Only the buckets that hold something differ from an empty catalog's.
        let filled = Set(
            (0..<5_000).map {
                RegionalFingerprint.bucket(of: Self.uid($0), bucketCount: RegionalDigestTree.bucketCount)
            })
        #expect(cost.step == .finished(differingBuckets: filled.count))
        #expect(cost.bucketPulls == (filled.count + RegionalWire.indicesMax - 1) / RegionalWire.indicesMax)
        #expect(cost.rowsSent == 10_000)
        #expect(local.digests.root == peer.digests.root && local.rows.count == peer.rows.count)
    }

    @Test("a reply of the wrong size, or one nobody asked for, ends the round")
    func nonsense() {
        var round = AntiEntropyRound()
        _ = round.start()
        let short = round.received(digests: [.zero], mine: RegionalDigestTree())
        #expect(short == .failed("anti-entropy: 1 digests for 1 parents"))
        var early = AntiEntropyRound()
        _ = early.start()
        #expect(early.pulled() == .failed("anti-entropy: rows nobody asked for"))
        var late = AntiEntropyRound()
        _ = late.start()
        _ = late.received(digests: Array(repeating: .zero, count: 16), mine: RegionalDigestTree())
        let again = late.received(digests: Array(repeating: .zero, count: 16), mine: RegionalDigestTree())
        #expect(again == .failed("anti-entropy: digests nobody asked for"))
    }

    @Test("rounds between random pairs of five nodes writing at random make every catalog equal", arguments: [1, 2])
    func regionConverges(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var nodes = [RegionalCatalogState](repeating: RegionalCatalogState(), count: 5)
        var clock: Int64 = 1_000
        for _ in 0..<400 {
            clock += 1
            let writer = Int(random.next() % 5)
            let uid = Self.uid(random.next() % 300)
            let version = Self.version(clock, by: UInt64(writer))
            let row: RegionalRow =
                random.next() % 6 == 0
                ? .tombstone(.instance(uid), version: version)
                : .live(.holding(uid, by: NodeID(UInt64(writer))), version: version)
            nodes[writer].apply(row, tombstoneHorizonMilliseconds: 0)
            if random.next() % 4 == 0 {
                let puller = Int(random.next() % 5)
                let peer = (puller + 1 + Int(random.next() % 4)) % 5
                _ = try Self.pull(into: &nodes[puller], from: nodes[peer])
            }
        }
        // After the writes stop: a ring of pulls, once round per hop a row may need (n − 1), reaches every node.
        for _ in 0..<4 {
            for node in 0..<5 { _ = try Self.pull(into: &nodes[node], from: nodes[(node + 1) % 5]) }
        }
        for node in 1..<5 {
            #expect(nodes[node].digests.root == nodes[0].digests.root)
            #expect(nodes[node].rows.count == nodes[0].rows.count)
        }
    }
}
