// Goal: an instance stored at one node reaches its targets through the outbox with only the chunks they lack,
// bit-exact and catalogued there; an entry for a target already holding it ends unsent; a dropped copy's tombstone
// wins and ends its entries; an unreachable target keeps its entry; a damaged transfer or a stranger stores
// nothing and is refused by name; anti-entropy makes a third node's catalog answer for both.
// Method: in-process nodes (RegionFixture) whose internal API is the real responder, called directly.
import Catalog
import ObjectStore
import Primitives
import Replication
import Synchronization
import TestSupport
import Testing

@Suite struct ReplicationFlowTests {
    static func drain(
        _ node: TestNode, peers: [TestNode], now: Int64 = 6_000, log: @escaping (String) -> Void = { _ in }
    ) throws -> ReplicationPass {
        try Replicator(store: node.store, catalog: node.catalog).drain(
            nowMilliseconds: now, limit: 100,
            peer: { id in peers.first { $0.id == id }.map { $0.peer() } }, log: log)
    }

    @Test("a stored instance reaches its target bit-exact and catalogued, its holding known at the source")
    func replicates() throws {
        let source = try TestNode(1)
        let target = try TestNode(2)
        let bytes = TestBytes.random(count: 30_000, seed: 1)
        let address = try source.store(study: "1.9", sop: "1.9.1.1", bytes: bytes, targets: [target.id], version: 1)
        let pass = try Self.drain(source, peers: [target])
        #expect(pass.delivered == 1 && pass.failed == 0 && pass.chunksSkipped == 0)
        #expect(pass.chunkBytesSent == 30_000)
        #expect(try target.bytes(address) == bytes)
        let found = try target.catalog.instances(studyInstanceUID: "1.9")
        #expect(found.map(\.sopInstanceUID) == ["1.9.1.1"])
        #expect(found.first?.metadata == Array("{\"1.9.1.1\":1}".utf8))
        #expect(try source.catalog.regionalHolders(of: "1.9.1.1") == [source.id, target.id])
        #expect(try source.catalog.outboxSummary().depth == 0)
        // The instance row arrived unchanged: both catalogs hold the same row for it.
        let instanceRow = { (node: TestNode) in
            try node.catalog.regionalRows(inBuckets: Array(0..<RegionalDigestTree.bucketCount))
                .filter { $0.key == .instance("1.9.1.1") }
        }
        #expect(try instanceRow(source) == instanceRow(target))
    }

    @Test("re-sending what a target holds from another site sends no chunk payload")
    func secondSourceSendsNothing() throws {
        let first = try TestNode(1)
        let second = try TestNode(3)
        let target = try TestNode(2)
        let bytes = TestBytes.random(count: 20_000, seed: 2)
        try first.store(study: "2.9", sop: "2.9.1.1", bytes: bytes, targets: [target.id], version: 1)
        try second.store(study: "2.9", sop: "2.9.1.1", bytes: bytes, targets: [target.id], version: 2)
        #expect(try Self.drain(first, peers: [target]).chunkBytesSent == 20_000)
        let again = try Self.drain(second, peers: [target])
        #expect(again.delivered == 1)
        #expect(again.chunksSent == 0 && again.chunkBytesSent == 0 && again.chunksSkipped > 0)
        #expect(try second.catalog.regionalHolders(of: "2.9.1.1").contains(target.id))
    }

    @Test("an entry whose target already holds the instance, by the regional catalog, ends without a transfer")
    func entryForAHolderEnds() throws {
        let first = try TestNode(1)
        let second = try TestNode(3)
        let target = try TestNode(2)
        let bytes = TestBytes.random(count: 8_000, seed: 12)
        try first.store(study: "4.9", sop: "4.9.1.1", bytes: bytes, targets: [target.id], version: 1)
        try second.store(study: "4.9", sop: "4.9.1.1", bytes: bytes, targets: [target.id], version: 2)
        #expect(try Self.drain(second, peers: [target]).delivered == 1)
        // The first node learns (anti-entropy) that the target holds it: its entry ends with no peer asked.
        let all = Array(0..<RegionalDigestTree.bucketCount)
        _ = try first.catalog.applyRegional(
            try second.catalog.regionalRows(inBuckets: all), tombstoneHorizonMilliseconds: 0)
        let pass = try Self.drain(first, peers: [])
        #expect(pass.alreadyHeld == 1 && pass.delivered == 0 && pass.held == 0 && pass.chunksSent == 0)
        #expect(try first.catalog.outboxSummary().depth == 0)
    }

    @Test("a target whose clock is far behind the copy's version still takes it (the version is not merged)")
    func targetBehindTakesTheCopy() throws {
        let source = try TestNode(1)
        let target = try TestNode(2, observe: { _ in false })
        let bytes = TestBytes.random(count: 5_000, seed: 14)
        let address = try source.store(study: "6.9", sop: "6.9.1.1", bytes: bytes, targets: [target.id], version: 1)
        let pass = try Self.drain(source, peers: [target])
        #expect(pass.delivered == 1 && pass.failed == 0)
        #expect(try target.bytes(address) == bytes)
    }

    @Test("a dropped copy's tombstone wins over a holding row newer than the dropping clock, and ends its entries")
    func dropOutranksANewerHolding() throws {
        let node = try TestNode(1)
        let target = try TestNode(2)
        try node.store(
            study: "5.9", sop: "5.9.1.1", bytes: TestBytes.random(count: 3_000, seed: 13), targets: [target.id],
            version: 900)
        // A clock behind the version the holding row carries (its origin's) issues an older version for the drop.
        let behind = HLCTimestamp(physicalMilliseconds: 1_100, logical: 0, nodeID: node.id)
        try node.catalog.dropHolding(instanceUID: "5.9.1.1", by: node.id, version: behind)
        #expect(try node.catalog.regionalHolders(of: "5.9.1.1").isEmpty)
        #expect(try node.catalog.outboxSummary().depth == 0)
    }

    @Test("an unreachable target keeps its entry (hinted handoff), delivered once it is back")
    func unreachableTargetIsHeld() throws {
        let source = try TestNode(1)
        let target = try TestNode(2)
        let bytes = TestBytes.random(count: 5_000, seed: 3)
        let address = try source.store(study: "3.9", sop: "3.9.1.1", bytes: bytes, targets: [target.id], version: 1)
        #expect(try Self.drain(source, peers: []).held == 1)
        target.isUp.withLock { $0 = false }
        var logged: [String] = []
        let failed = try Self.drain(source, peers: [target], now: 9_000) { logged.append($0) }
        #expect(failed.failed == 1 && logged.count == 1)
        let entry = try source.catalog.outboxDue(atOrBefore: 100_000, limit: 10).first
        #expect(entry?.attempts == 2 && entry?.lastError.contains("is down") == true)
        target.isUp.withLock { $0 = true }
        let later = try Replicator(store: source.store, catalog: source.catalog).drain(
            nowMilliseconds: 100_000, limit: 10, peer: { _ in target.peer() }, log: { _ in })
        #expect(later.delivered == 1 && later.lagMillisecondsMax == 95_000)
        #expect(try target.bytes(address) == bytes)
    }

    @Test("a chunk damaged on the way is refused by the target, which stores nothing, and the entry is kept")
    func damagedTransferIsRefused() throws {
        let source = try TestNode(1)
        let target = try TestNode(2)
        let bytes = TestBytes.random(count: 8_000, seed: 4)
        let address = try source.store(study: "4.9", sop: "4.9.1.1", bytes: bytes, targets: [target.id], version: 1)
        let flipLast: @Sendable ([UInt8]) -> [UInt8] = { body in
            guard body.count > 100 else { return body }
            var changed = body
            changed[changed.count - 10] ^= 1
            return changed
        }
        let pass = try Replicator(store: source.store, catalog: source.catalog).drain(
            nowMilliseconds: 6_000, limit: 10, peer: { _ in target.peer(transform: flipLast) }, log: { _ in })
        #expect(pass.failed == 1)
        let entry = try source.catalog.outboxDue(atOrBefore: 100_000, limit: 10).first
        #expect(entry?.lastError.contains("SHA-256") == true, "\(entry?.lastError ?? "")")
        #expect(try target.catalog.instanceCount() == 0)
        #expect(try target.store.list().isEmpty)
        #expect(target.responder.refusals.malformedCount == 1)
        _ = address
    }

    @Test("requests without the cluster's credentials, or malformed, are refused by name and counted")
    func hostileRequests() throws {
        let node = try TestNode(2)
        let stranger = try node.exchange(
            method: "POST", target: "/internal/v1/catalog/digests", body: MemorySource([1, 0, 1, 0, 0, 0]),
            token: "guess")
        #expect(stranger.status == 403)
        #expect(node.responder.refusals.unauthenticatedCount == 1)
        let cases: [(String, String, [UInt8], Int, String)] = [
            ("POST", "/internal/v1/catalog/digests", [1, 3, 0, 0], 400, "above the buckets"),
            ("POST", "/internal/v1/catalog/digests", [1, 0, 2, 0, 0, 0, 0, 0], 400, "out of order"),
            ("POST", "/internal/v1/catalog/rows", [1, 1, 0, 0], 400, "by bucket"),
            ("POST", "/internal/v1/replicas/offers", [], 400, "the stream ended inside the batch's head"),
            ("POST", "/internal/v1/replicas/offers", [1, 0, 1], 400, "1 to 64 offers, not 256"),
            ("PUT", "/internal/v1/replicas", [255, 255, 255, 255], 400, "unknown replica batch version 255"),
            ("PUT", "/internal/v1/replicas", [1, 0, 0], 400, "1 to 64 transfers, not 0"),
            ("PUT", "/internal/v1/replicas", [1, 65, 0], 400, "not 65"),
            (
                "PUT", "/internal/v1/replicas", [1, 1, 0] + [UInt8](repeating: 0, count: 32) + [255, 255, 255, 255],
                400,
                "over the limit"
            ),
            ("POST", "/internal/v1/chunks", [1, 2, 3], 400, "the chunk list does not decode"),
            ("POST", "/internal/v1/chunks", Manifest(length: 0, entries: []).encoded(), 400, "not 0"),
            (
                "POST", "/internal/v1/chunks",
                Manifest(
                    length: 1,
                    entries: [ManifestEntry(address: ChunkAddress(bytes: [UInt8](repeating: 3, count: 32)), length: 1)]
                )
                .encoded(), 404, "cannot be read here"
            ),
            ("POST", "/internal/v1/chunks", [UInt8](repeating: 0, count: 200_000), 400, "is over 147476 bytes"),
            ("GET", "/internal/v1/elsewhere", [], 404, "no internal route"),
        ]
        for (method, target, body, status, reason) in cases {
            let answer = try node.exchange(method: method, target: target, body: MemorySource(body))
            #expect(answer.status == status, "\(target)")
            #expect(String(decoding: answer.body, as: UTF8.self).contains(reason), "\(target): \(answer.body)")
        }
        // An offer whose manifest is not the one at its address is refused on its own, in a 200 answer.
        let zero = ChunkAddress(bytes: [UInt8](repeating: 0, count: 32))
        let mismatched = try node.exchange(
            method: "POST", target: "/internal/v1/replicas/offers",
            body: MemorySource(ReplicaBatch.encodeOffers([(zero, [1, 2])])))
        #expect(mismatched.status == 200)
        let outcome = try ReplicaBatch.decodeAnswer(mismatched.body, count: 1, answerBytesMax: 1_000)[0]
        #expect(throws: ReplicaError.self) { try outcome.get() }
        #expect("\(outcome)".contains("not the one at"))
        // A manifest naming a million chunks is refused before it is read whole.
        let millionChunks = 36_000_020
        let huge: [UInt8] =
            [1, 1, 0] + [UInt8](repeating: 0, count: 32)
            + (0..<4).map { UInt8(truncatingIfNeeded: millionChunks >> ($0 * 8)) }
            + [UInt8](repeating: 0, count: 1_000)
        let offer = try node.exchange(method: "POST", target: "/internal/v1/replicas/offers", body: MemorySource(huge))
        #expect(offer.status == 400)
        #expect(String(decoding: offer.body, as: UTF8.self).contains("36000020 bytes is over 16777216"))
        #expect(try node.catalog.regionalRowCount() == 0 && node.store.list().isEmpty)
    }

    @Test("anti-entropy makes a third node's catalog answer for instances stored at two others")
    func antiEntropyConverges() throws {
        let first = try TestNode(1)
        let second = try TestNode(2)
        let third = try TestNode(3)
        for index in 0..<40 {
            let node = index % 2 == 0 ? first : second
            try node.store(
                study: "5.\(index % 7)", sop: "5.\(index % 7).1.\(index)",
                bytes: TestBytes.random(count: 300, seed: UInt64(100 + index)), targets: [], version: Int64(index))
        }
        let fromFirst = try AntiEntropyPull.run(
            with: first.peer(), into: third.catalog, tombstoneHorizonMilliseconds: 0)
        #expect(fromFirst.instancesCatalogued == 20 && fromFirst.uncatalogued.isEmpty)
        let fromSecond = try AntiEntropyPull.run(
            with: second.peer(), into: third.catalog, tombstoneHorizonMilliseconds: 0)
        #expect(fromSecond.instancesCatalogued == 20)
        #expect(try third.catalog.instanceCount() == 40)
        _ = try AntiEntropyPull.run(with: third.peer(), into: first.catalog, tombstoneHorizonMilliseconds: 0)
        let settled = try AntiEntropyPull.run(
            with: first.peer(), into: third.catalog, tombstoneHorizonMilliseconds: 0)
        #expect(settled.bucketsPulled == 0 && settled.digestRequests == 1)
        #expect(first.catalog.regionalDigestTree == third.catalog.regionalDigestTree)
    }
}
