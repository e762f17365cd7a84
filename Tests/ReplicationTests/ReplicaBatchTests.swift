// Goal: the instances one node owes another go in one request and one commit at the target, each acknowledged on
// its own; a transfer the target refuses in the middle of a batch leaves the ones after it whole (their chunks are
// still read from the right place); the answer's format survives its bytes and refuses what does not fit.
// Method: in-process nodes (RegionFixture) whose internal API is the real responder, called directly.
import Catalog
import Coding
import ObjectStore
import Primitives
import Replication
import Synchronization
import TestSupport
import Testing

@Suite struct ReplicaBatchTests {
    @Test("ten instances owed to one target go in one request, each acknowledged and stored bit-exact")
    func oneRequest() throws {
        let source = try TestNode(1)
        let target = try TestNode(2)
        var stored: [(ChunkAddress, [UInt8])] = []
        for index in 0..<10 {
            let bytes = TestBytes.random(count: 2_000 + index * 300, seed: UInt64(40 + index))
            let sop = "7.1.1.\(index)"
            stored.append(
                (try source.store(study: "7.1", sop: sop, bytes: bytes, targets: [target.id], version: 1), bytes))
        }
        let puts = Mutex(0)
        let counting = InternalAPIPeer { method, path, body, _, _ in
            if method == "PUT" { puts.withLock { $0 += 1 } }
            let (status, answer) = try target.exchange(method: method, target: path, body: body)
            return (status, MemorySource(answer))
        }
        let pass = try Replicator(store: source.store, catalog: source.catalog).drain(
            nowMilliseconds: 6_000, limit: 100, peer: { _ in counting }, log: { _ in })
        #expect(pass.delivered == 10 && pass.failed == 0)
        #expect(puts.withLock { $0 } == 1)
        for (address, bytes) in stored { #expect(try target.bytes(address) == bytes) }
        #expect(try target.catalog.instances(studyInstanceUID: "7.1").count == 10)
        #expect(try source.catalog.outboxSummary().depth == 0)
        #expect(try source.catalog.regionalHolders(of: "7.1.1.9") == [source.id, target.id])
    }

    @Test("a transfer refused mid-batch leaves the transfers after it whole")
    func refusedInTheMiddle() throws {
        let source = try TestNode(1)
        let target = try TestNode(2)
        var heads: [(address: ChunkAddress, header: ReplicaHeader)] = []
        var chunks: [UInt8] = []
        var objects: [(ChunkAddress, [UInt8])] = []
        for index in 0..<3 {
            let bytes = TestBytes.random(count: 3_000, seed: UInt64(60 + index))
            let sop = "7.2.1.\(index)"
            let address = try source.store(study: "7.2", sop: sop, bytes: bytes, targets: [], version: 1)
            let manifest = try source.store.manifest(address)
            let bucket = RegionalFingerprint.bucket(of: sop, bucketCount: RegionalDigestTree.bucketCount)
            let row = try #require(
                try source.catalog.regionalRows(inBuckets: [bucket]).first { $0.key == .instance(sop) })
            let needs = try target.peer().offer([(address, manifest.encoded())])[0].get()
            let header = ReplicaHeader(manifest: manifest.encoded(), instanceRow: row, metadata: [], needs: needs)
            // The middle transfer is sent to the wrong address: the target refuses it and must skip its chunks.
            heads.append((index == 1 ? heads[0].address : address, header))
            for position in needs.neededPositions { chunks += try source.store.chunk(manifest.entries[position]) }
            objects.append((address, bytes))
        }
        let body = ReplicaBatch.encodeHead(heads) + chunks
        let answer = try target.exchange(method: "PUT", target: "/internal/v1/replicas", body: MemorySource(body))
        #expect(answer.status == 200)
        let outcomes = try ReplicaBatch.decodeAnswer(answer.body, count: 3, answerBytesMax: 1 << 20)
        #expect((try? outcomes[0].get()) != nil && (try? outcomes[2].get()) != nil)
        guard case .failure(let refusal) = outcomes[1] else {
            Issue.record("the misaddressed transfer was taken")
            return
        }
        #expect(refusal.code == .inconsistent && refusal.reason.contains("is not the one at"), "\(refusal)")
        #expect(try target.bytes(objects[0].0) == objects[0].1)
        #expect(try target.bytes(objects[2].0) == objects[2].1)
        #expect(throws: (any Error).self) { try target.bytes(objects[1].0) }
        #expect(target.responder.refusals.malformedCount == 1)
    }

    @Test("answers survive their bytes; answers of another count, truncated or with an unknown tag are refused")
    func answers() throws {
        let row = RegionalRow.tombstone(
            .holding("7.3.1.1", by: NodeID(2)), version: HLCTimestamp(clockValue: 9, nodeID: NodeID(2)))
        let framed = RegionalRowStream.frame(row)
        let outcomes: [Result<[UInt8], ReplicaError>] = [
            .success(framed), .failure(ReplicaError(.full, "the volumes are full")), .success([]),
        ]
        let bytes = ReplicaBatch.encodeAnswer(outcomes)
        let decoded = try ReplicaBatch.decodeAnswer(bytes, count: 3, answerBytesMax: 1_000)
        #expect(try decoded[0].get() == framed && (try decoded[2].get()).isEmpty)
        guard case .failure(let error) = decoded[1] else {
            Issue.record("a refusal read back as a success")
            return
        }
        #expect(error.code == .full && error.reason.contains("the volumes are full"))
        let bad: [([UInt8], Int, String)] = [
            (bytes, 2, "answered 3 of 2"), (Array(bytes.dropLast(3)), 3, "truncated"),
            ([1, 1, 0, 9], 1, "unknown outcome tag 9"), (bytes + [0], 3, "after the last outcome"),
            ([2, 0, 0], 0, "unknown answer version"),
        ]
        for (answer, count, reason) in bad {
            #expect {
                _ = try ReplicaBatch.decodeAnswer(answer, count: count, answerBytesMax: 1_000)
            } throws: {
                ($0 as? ReplicaError)?.code == .malformed && "\($0)".contains(reason)
            }
        }
        #expect {
            _ = try ReplicaBatch.decodeAnswer(bytes, count: 3, answerBytesMax: 10)
        } throws: {
            "\($0)".contains("is over 10")
        }
    }
}
