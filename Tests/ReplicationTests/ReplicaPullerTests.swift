// Goal: a node pulls an instance from a holder with only the chunks it lacks, bit-exact and catalogued with its
// own holding; a holder serving damaged bytes is left for the next; with none able to serve, the error names each.
// Method: in-process nodes (RegionFixture); rows read from the holder's regional catalog.
import Catalog
import ObjectStore
import Primitives
import Replication
import Synchronization
import TestSupport
import Testing

@Suite struct ReplicaPullerTests {
    static func instanceRow(_ node: TestNode, _ uid: String) throws -> RegionalRow {
        let bucket = RegionalFingerprint.bucket(of: uid, bucketCount: RegionalDigestTree.bucketCount)
        return try #require(try node.catalog.regionalRows(inBuckets: [bucket]).first { $0.key == .instance(uid) })
    }

    static func puller(_ node: TestNode) -> ReplicaPuller {
        ReplicaPuller(
            receiver: ReplicaReceiver(
                store: node.store, catalog: node.catalog, holder: node.id, observe: { _ in true },
                nowMilliseconds: { 10_000 }))
    }

    @Test("a pull fetches only missing chunks and catalogues the copy with this node's holding")
    func pullsWhatIsMissing() throws {
        let holder = try TestNode(1)
        let puller = try TestNode(2)
        let shared = TestBytes.random(count: 10_000, seed: 21)
        let bytes = shared + TestBytes.random(count: 6_000, seed: 22)
        let address = try holder.store(study: "7.1", sop: "7.1.1.1", bytes: bytes, targets: [], version: 1)
        var source = MemorySource(shared)
        _ = try puller.store.put(from: &source)
        let fetched = try Self.puller(puller).pull(
            Self.instanceRow(holder, "7.1.1.1"), from: [(holder.id, holder.peer())])
        #expect(fetched > 0 && fetched < 9_000)
        #expect(try puller.bytes(address) == bytes)
        #expect(try puller.catalog.regionalHolders(of: "7.1.1.1") == [puller.id])
        #expect(try puller.catalog.instances(studyInstanceUID: "7.1").first?.metadata == Array("{\"7.1.1.1\":1}".utf8))
    }

    @Test("a batch pull stores what its source has in one commit and names what it could not fetch")
    func batchPull() throws {
        let holder = try TestNode(1)
        let elsewhere = try TestNode(3)
        let puller = try TestNode(2)
        var rows: [RegionalRow] = []
        var addresses: [ChunkAddress] = []
        for index in 0..<3 {
            let bytes = TestBytes.random(count: 4_000 + index, seed: UInt64(30 + index))
            addresses.append(
                try holder.store(study: "7.3", sop: "7.3.1.\(index)", bytes: bytes, targets: [], version: 1))
            rows.append(try Self.instanceRow(holder, "7.3.1.\(index)"))
        }
        try elsewhere.store(
            study: "7.4", sop: "7.4.1.1", bytes: TestBytes.random(count: 900, seed: 40), targets: [],
            version: 1)
        rows.insert(try Self.instanceRow(elsewhere, "7.4.1.1"), at: 1)
        let outcomes = Self.puller(puller).pullAll(rows, from: holder.peer())
        #expect(outcomes.map { (try? $0.get()) != nil } == [true, false, true, true])
        for address in addresses { #expect(puller.store.wholeness(of: address) == .whole) }
        #expect(try puller.catalog.instanceCount() == 3)
        #expect(try puller.catalog.regionalHolders(of: "7.3.1.2") == [puller.id])
    }

    @Test("a holder serving damaged chunks is left for the next; with none able to serve, each is named")
    func damagedHolderIsSkipped() throws {
        let first = try TestNode(1)
        let second = try TestNode(3)
        let puller = try TestNode(2)
        let bytes = TestBytes.random(count: 12_000, seed: 23)
        let address = try first.store(study: "7.2", sop: "7.2.1.1", bytes: bytes, targets: [], version: 1)
        try second.store(study: "7.2", sop: "7.2.1.1", bytes: bytes, targets: [], version: 1)
        let row = try Self.instanceRow(first, "7.2.1.1")
        let damaging = DamagingPeer(inner: first.peer(), goodChunks: 2)
        _ = try Self.puller(puller).pull(row, from: [(first.id, damaging), (second.id, second.peer())])
        #expect(try puller.bytes(address) == bytes)
        let other = try TestNode(4)
        do {
            _ = try Self.puller(other).pull(row, from: [(first.id, DamagingPeer(inner: first.peer(), goodChunks: 0))])
            Issue.record("pulled damaged bytes")
        } catch let error as ReplicaError {
            #expect(error.reason.contains("node \(first.id):"), "\(error.reason)")
        }
        #expect(try other.store.list().isEmpty && other.catalog.instanceCount() == 0)
    }
}
