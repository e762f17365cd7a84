// Goal: reading an object from other holders serves every byte once, in order, verified: a holder that is down, or
// that answers a chunk with other bytes, is left for the next one from the chunk it failed on; when every holder
// fails the error names each. Method: in-process nodes (RegionFixture) holding the same object, one peer wrapped to
// damage its chunk answers after a few good ones.
import Catalog
import Coding
import ObjectStore
import Primitives
import Replication
import Synchronization
import TestSupport
import Testing

/// A peer whose chunk answers are damaged after `goodChunks` good ones.
final class DamagingPeer: ReplicaPeer {
    let inner: InternalAPIPeer
    let goodChunks: Int
    let served = Mutex(0)

    init(inner: InternalAPIPeer, goodChunks: Int) {
        self.inner = inner
        self.goodChunks = goodChunks
    }

    func offer(_ offers: [(address: ChunkAddress, manifest: [UInt8])]) throws -> [Result<ChunkNeeds, ReplicaError>] {
        try inner.offer(offers)
    }
    func transfer(batchOf count: Int, body: any ByteSource, bodyLength: Int) throws
        -> [Result<[RegionalRow], ReplicaError>]
    {
        try inner.transfer(batchOf: count, body: body, bodyLength: bodyLength)
    }
    func digests(level: Int, indices: [Int]) throws -> [RegionalFingerprint] {
        try inner.digests(level: level, indices: indices)
    }
    func rows(inBuckets buckets: [Int]) throws -> [RegionalRow] { try inner.rows(inBuckets: buckets) }
    func manifest(address: ChunkAddress, answerWithinSeconds: Double?) throws -> [UInt8] {
        try inner.manifest(address: address, answerWithinSeconds: answerWithinSeconds)
    }
    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8] {
        try inner.metadata(studyUID: studyUID, instanceUID: instanceUID)
    }
    /// The inner peer's answer, with every chunk after the first `goodChunks` served damaged.
    func objects(_ addresses: [ChunkAddress], answerWithinSeconds: Double?) throws -> ObjectStream {
        try inner.objects(addresses, answerWithinSeconds: answerWithinSeconds)
    }
    func chunks(_ entries: [ManifestEntry], answerWithinSeconds: Double?) throws -> ChunkStream {
        var inner = try inner.chunks(entries, answerWithinSeconds: nil)
        var answer: [UInt8] = []
        while var bytes = try inner.next() {
            let count = served.withLock { count in
                count += 1
                return count
            }
            if count > goodChunks { bytes[0] ^= 0xFF }
            answer += bytes
        }
        return ChunkStream(body: MemorySource(answer), entries: entries)
    }
}

/// A holder serving a manifest given as bytes and chunks from a MemoryChunkPeer.
final class Holder: ReplicaPeer {
    let manifestBytes: [UInt8]
    let chunkPeer: MemoryChunkPeer
    /// How long the manifest's answer takes to begin, on the chunk peer's clock.
    let manifestSeconds = Mutex(0.0)
    init(_ manifestBytes: [UInt8], _ chunkPeer: MemoryChunkPeer) {
        self.manifestBytes = manifestBytes
        self.chunkPeer = chunkPeer
    }
    func manifest(address: ChunkAddress, answerWithinSeconds: Double?) throws -> [UInt8] {
        try chunkPeer.beginAnswer(after: manifestSeconds.withLock { $0 }, within: answerWithinSeconds)
        return manifestBytes
    }
    func chunks(_ entries: [ManifestEntry], answerWithinSeconds: Double?) throws -> ChunkStream {
        try chunkPeer.chunks(entries, answerWithinSeconds: answerWithinSeconds)
    }
    func offer(_ offers: [(address: ChunkAddress, manifest: [UInt8])]) throws -> [Result<ChunkNeeds, ReplicaError>] {
        throw ReplicaError(.io, "")
    }
    func transfer(batchOf count: Int, body: any ByteSource, bodyLength: Int) throws
        -> [Result<[RegionalRow], ReplicaError>]
    {
        throw ReplicaError(.io, "")
    }
    func digests(level: Int, indices: [Int]) throws -> [RegionalFingerprint] { throw ReplicaError(.io, "") }
    func rows(inBuckets buckets: [Int]) throws -> [RegionalRow] { throw ReplicaError(.io, "") }
    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8] { throw ReplicaError(.io, "") }
    func objects(_ addresses: [ChunkAddress], answerWithinSeconds: Double?) throws -> ObjectStream {
        throw ReplicaError(.io, "")
    }
}

@Suite struct NearestHolderReaderTests {
    @Test("a damaged chunk moves the read to the next holder from that chunk; bytes are whole and in order")
    func fallsBackFromTheFailingChunk() throws {
        let first = try TestNode(1)
        let second = try TestNode(2)
        let bytes = TestBytes.random(count: 40_000, seed: 9)
        let address = try first.store(study: "6.1", sop: "6.1.1.1", bytes: bytes, targets: [], version: 1)
        try second.store(study: "6.1", sop: "6.1.1.1", bytes: bytes, targets: [], version: 1)
        let reader = NearestHolderReader(holders: [
            (first.id, DamagingPeer(inner: first.peer(), goodChunks: 5)), (second.id, second.peer()),
        ])
        var sink = MemorySink()
        let failures = try reader.get(address, length: UInt64(bytes.count), into: &sink)
        #expect(sink.bytes == bytes)
        #expect(failures.map(\.node) == [first.id])
        #expect(failures.first?.reason.contains("arrived with other bytes") == true)
    }

    @Test("a holder whose answer stops mid-way is left for the next from the chunk it stopped in")
    func fallsBackFromACutAnswer() throws {
        let pieces = ChunkStreamTests.pieces(20, seed: 4)
        let entries = ChunkStreamTests.entries(pieces)
        let whole = pieces.flatMap { $0 }
        let manifest = Manifest(length: UInt64(whole.count), entries: entries).encoded()
        let address = SHA256.hash(manifest)
        // Both holders serve the manifest; the first then cuts its chunks' answer short.
        let stopAt = pieces[0..<7].reduce(0) { $0 + $1.count } + 2
        let cut = MemoryChunkPeer(pieces, cutAfter: stopAt)
        let rest = MemoryChunkPeer(pieces)
        let reader = NearestHolderReader(holders: [
            (NodeID(1), Holder(manifest, cut)), (NodeID(2), Holder(manifest, rest)),
        ])
        var sink = MemorySink()
        let failures = try reader.get(address, length: UInt64(whole.count), into: &sink)
        #expect(sink.bytes == whole)
        #expect(failures.count == 1 && failures[0].reason.contains("ended in chunk 8 of 20"), "\(failures)")
        #expect(rest.requests.withLock { $0 } == [13])
    }

    @Test("a holder slower than its recent p95 is hedged away from, unless it is cold or the last one")
    func hedgesFromASlowHolder() throws {
        let pieces = ChunkStreamTests.pieces(12, seed: 5)
        let whole = pieces.flatMap { $0 }
        let manifest = Manifest(length: UInt64(whole.count), entries: ChunkStreamTests.entries(pieces)).encoded()
        let address = SHA256.hash(manifest)
        let clock = SteppedClock()
        let first = MemoryChunkPeer(pieces, clock: clock)
        let second = MemoryChunkPeer(pieces, clock: clock)
        let latencies = HolderLatencies()
        let reader = NearestHolderReader(
            holders: [(NodeID(1), Holder(manifest, first)), (NodeID(2), Holder(manifest, second))],
            latencies: (latencies, clock))
        func read() throws -> [(node: NodeID, reason: String)] {
            var sink = MemorySink()
            let failures = try reader.get(address, length: UInt64(whole.count), into: &sink)
            #expect(sink.bytes == whole)
            return failures
        }
        // Cold: a slow first holder is waited for until it has 16 answers on record.
        first.answerSeconds.withLock { $0 = 0.5 }
        #expect(try read().isEmpty)
        first.answerSeconds.withLock { $0 = 0.010 }
        for _ in 0..<20 { #expect(try read().isEmpty) }
        // One slow answer in 21 does not move the p95; a 300 ms answer is then hedged to the second holder.
        #expect(latencies.hedgeAfterSeconds(NodeID(1)) == 0.010)
        first.answerSeconds.withLock { $0 = 0.3 }
        let hedged = try read()
        #expect(hedged.map(\.node) == [NodeID(1)] && hedged[0].reason.contains("no answer within 0.01"), "\(hedged)")
        #expect(latencies.hedgeCount == 1 && second.requests.withLock { $0.count } == 1)
        // The last holder is never hedged away from: the read waits for it.
        let alone = NearestHolderReader(
            holders: [(NodeID(1), Holder(manifest, first))], latencies: (latencies, clock))
        var single = MemorySink()
        #expect(try alone.get(address, length: UInt64(whole.count), into: &single).isEmpty)
        #expect(single.bytes == whole && latencies.hedgeCount == 1)
    }

    @Test("a holder slow to answer for the manifest is hedged away from as for its chunks")
    func hedgesASlowManifest() throws {
        let pieces = ChunkStreamTests.pieces(6, seed: 6)
        let whole = pieces.flatMap { $0 }
        let manifest = Manifest(length: UInt64(whole.count), entries: ChunkStreamTests.entries(pieces)).encoded()
        let address = SHA256.hash(manifest)
        let clock = SteppedClock()
        let first = Holder(manifest, MemoryChunkPeer(pieces, clock: clock))
        let second = Holder(manifest, MemoryChunkPeer(pieces, clock: clock))
        let latencies = HolderLatencies()
        let reader = NearestHolderReader(
            holders: [(NodeID(1), first), (NodeID(2), second)], latencies: (latencies, clock))
        first.chunkPeer.answerSeconds.withLock { $0 = 0.010 }
        first.manifestSeconds.withLock { $0 = 0.010 }
        for _ in 0..<10 {
            var sink = MemorySink()
            #expect(try reader.get(address, length: UInt64(whole.count), into: &sink).isEmpty && sink.bytes == whole)
        }
        // A link dropping packets: the manifest's answer (or its connect) waits 3 s; the read moves on at the p95.
        first.manifestSeconds.withLock { $0 = 3 }
        var sink = MemorySink()
        let start = clock.now()
        let hedged = try reader.get(address, length: UInt64(whole.count), into: &sink)
        #expect(sink.bytes == whole)
        #expect(hedged.map(\.node) == [NodeID(1)] && hedged[0].reason.contains("no answer within 0.01"), "\(hedged)")
        #expect(clock.now().ticks(since: start) < Instant.ticksPerSecond / 10)
        #expect(latencies.hedgeCount == 1 && second.chunkPeer.requests.withLock { $0.count } == 1)
    }

    @Test("a holder that is down is skipped; when every holder fails, the error names each")
    func namesEveryFailure() throws {
        let first = try TestNode(1)
        let second = try TestNode(2)
        let bytes = TestBytes.random(count: 3_000, seed: 10)
        let address = try second.store(study: "6.2", sop: "6.2.1.1", bytes: bytes, targets: [], version: 1)
        first.isUp.withLock { $0 = false }
        var sink = MemorySink()
        let reader = NearestHolderReader(holders: [(first.id, first.peer()), (second.id, second.peer())])
        let failures = try reader.get(address, length: UInt64(bytes.count), into: &sink)
        #expect(sink.bytes == bytes && failures.count == 1)
        second.isUp.withLock { $0 = false }
        var nothing = MemorySink()
        do {
            try reader.get(address, length: UInt64(bytes.count), into: &nothing)
            Issue.record("read with every holder down")
        } catch let error as ReplicaError {
            #expect(error.code == .unavailable)
            #expect(
                error.reason.contains("node \(first.id):") && error.reason.contains("node \(second.id):"),
                "\(error.reason)")
        }
        #expect(nothing.bytes.isEmpty)
        // A holder whose object has another length than catalogued is not read from.
        second.isUp.withLock { $0 = true }
        let wrongLength = NearestHolderReader(holders: [(second.id, second.peer())])
        #expect(throws: ReplicaError.self) { try wrongLength.get(address, length: 2_999, into: &nothing) }
        #expect(nothing.bytes.isEmpty)
    }
}
