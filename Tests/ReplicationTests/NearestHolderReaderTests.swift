// Goal: reading an object from other holders serves every byte once, in order, verified: a holder that is down, or
// that answers a chunk with other bytes, is left for the next one from the chunk it failed on; when every holder
// fails the error names each. Method: in-process nodes (RegionFixture) holding the same object, one peer wrapped to
// damage its chunk answers after a few good ones.
import Catalog
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

    func offer(address: ChunkAddress, manifest: [UInt8]) throws -> ChunkNeeds {
        try inner.offer(address: address, manifest: manifest)
    }
    func transfer(address: ChunkAddress, body: any ByteSource, bodyLength: Int) throws -> [RegionalRow] {
        try inner.transfer(address: address, body: body, bodyLength: bodyLength)
    }
    func digests(level: Int, indices: [Int]) throws -> [RegionalFingerprint] {
        try inner.digests(level: level, indices: indices)
    }
    func rows(inBuckets buckets: [Int]) throws -> [RegionalRow] { try inner.rows(inBuckets: buckets) }
    func manifest(address: ChunkAddress) throws -> [UInt8] { try inner.manifest(address: address) }
    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8] {
        try inner.metadata(studyUID: studyUID, instanceUID: instanceUID)
    }
    func chunk(address: ChunkAddress, length: Int) throws -> [UInt8] {
        var bytes = try inner.chunk(address: address, length: length)
        let count = served.withLock { count in
            count += 1
            return count
        }
        if count > goodChunks { bytes[0] ^= 0xFF }
        return bytes
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
