// Goal: many chunks per request come back whole, in order and one at a time; an answer cut short or carrying more
// than was asked for is an error naming which, and a read spanning more chunks than one request names makes as
// many requests as it needs, each after the one before was read to its end.
// Method: an in-memory peer serving chunks from a dictionary, cutting its answers short on demand.
import Catalog
import Coding
import ObjectStore
import Primitives
import Replication
import Synchronization
import TestSupport
import Testing

/// A clock that moves only when told.
final class SteppedClock: TimeSource {
    private let ticks = Mutex<Int64>(0)
    func now() -> Instant { Instant(ticks: ticks.withLock { $0 }) }
    func sleep(until instant: Instant) {}
    func advance(seconds: Double) { ticks.withLock { $0 += Int64(seconds * Double(Instant.ticksPerSecond)) } }
}

/// A peer serving chunks from memory; only `chunks` is answered.
final class MemoryChunkPeer: ReplicaPeer {
    let chunks: [ChunkAddress: [UInt8]]
    /// Bytes after which every answer stops (nil: whole answers); bytes appended to every answer.
    let cutAfter: Int?
    let extra: [UInt8]
    let requests = Mutex<[Int]>([])
    /// How long each answer takes to begin, on `clock`, which the peer advances (the slower of the two when the
    /// caller gives up first).
    let answerSeconds = Mutex(0.0)
    let clock: SteppedClock?

    init(_ pieces: [[UInt8]], cutAfter: Int? = nil, extra: [UInt8] = [], clock: SteppedClock? = nil) {
        chunks = Dictionary(pieces.map { (SHA256.hash($0), $0) }, uniquingKeysWith: { first, _ in first })
        self.cutAfter = cutAfter
        self.extra = extra
        self.clock = clock
    }

    func chunks(_ entries: [ManifestEntry], answerWithinSeconds: Double?) throws -> ChunkStream {
        requests.withLock { $0.append(entries.count) }
        try beginAnswer(after: answerSeconds.withLock { $0 }, within: answerWithinSeconds)
        var answer: [UInt8] = []
        for entry in entries {
            guard let bytes = chunks[entry.address] else { throw ReplicaError(.unavailable, "no chunk") }
            answer += bytes
        }
        answer = Array(answer.prefix(cutAfter ?? answer.count)) + extra
        return ChunkStream(body: MemorySource(answer), entries: entries)
    }

    /// Advances the clock by `seconds`, an answer's wait, or by `within` and throws `.slow` when the caller gives
    /// up first.
    func beginAnswer(after seconds: Double, within: Double?) throws {
        if let within, seconds > within {
            clock?.advance(seconds: within)
            throw ReplicaError(.slow, "no answer within \(within) s")
        }
        clock?.advance(seconds: seconds)
    }

    func offer(_ offers: [(address: ChunkAddress, manifest: [UInt8])]) throws -> [Result<ChunkNeeds, ReplicaError>] {
        throw unused
    }
    func transfer(batchOf count: Int, body: any ByteSource, bodyLength: Int) throws
        -> [Result<[RegionalRow], ReplicaError>]
    {
        throw unused
    }
    func digests(level: Int, indices: [Int]) throws -> [RegionalFingerprint] { throw unused }
    func rows(inBuckets buckets: [Int]) throws -> [RegionalRow] { throw unused }
    func manifest(address: ChunkAddress, answerWithinSeconds: Double?) throws -> [UInt8] { throw unused }
    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8] { throw unused }
    func objects(_ addresses: [ChunkAddress], answerWithinSeconds: Double?) throws -> ObjectStream { throw unused }
    private var unused: ReplicaError { ReplicaError(.malformed, "not served by this test peer") }
}

@Suite struct ChunkStreamTests {
    static func pieces(_ count: Int, seed: UInt64) -> [[UInt8]] {
        (0..<count).map { TestBytes.random(count: 10 + $0 % 7, seed: seed + UInt64($0)) }
    }

    static func entries(_ pieces: [[UInt8]]) -> [ManifestEntry] {
        pieces.map { ManifestEntry(address: SHA256.hash($0), length: UInt32($0.count)) }
    }

    @Test("an answer yields each chunk whole and in order, then nil; a request names them as a manifest")
    func wholeAnswer() throws {
        let pieces = Self.pieces(5, seed: 1)
        let entries = Self.entries(pieces)
        var stream = try MemoryChunkPeer(pieces).chunks(entries, answerWithinSeconds: nil)
        var read: [[UInt8]] = []
        while let bytes = try stream.next() { read.append(bytes) }
        #expect(read == pieces)
        #expect(try stream.next() == nil)
        #expect(try ChunkStream.entries(ofRequest: ChunkStream.request(entries[...])) == entries)
    }

    @Test("an answer cut short, or longer than asked, is refused naming where")
    func cutOrLong() throws {
        let pieces = Self.pieces(4, seed: 2)
        var cut = try MemoryChunkPeer(pieces, cutAfter: pieces[0].count + 3).chunks(
            Self.entries(pieces), answerWithinSeconds: nil)
        #expect(try cut.next() == pieces[0])
        #expect {
            _ = try cut.next()
        } throws: {
            "\($0)".contains("ended in chunk 2 of 4 (3 of \(pieces[1].count) bytes)")
        }
        var long = try MemoryChunkPeer(pieces, extra: [7]).chunks(Self.entries(pieces), answerWithinSeconds: nil)
        for _ in pieces { _ = try long.next() }
        #expect { _ = try long.next() } throws: { "\($0)".contains("more than the 4 chunks asked for") }
    }

    @Test("requests naming no chunk, too many, or not a chunk list are refused")
    func badRequests() throws {
        let tooMany = [ManifestEntry](
            repeating: ManifestEntry(address: SHA256.hash([1]), length: 1), count: ChunkStream.entriesMax + 1)
        let cases: [([UInt8], String)] = [
            ([], "does not decode"), ([1, 2, 3], "does not decode"),
            (Manifest(length: 0, entries: []).encoded(), "1 to 4096 chunks, not 0"),
            (Manifest(length: UInt64(tooMany.count), entries: tooMany).encoded(), "not 4097"),
        ]
        for (bytes, reason) in cases {
            #expect {
                _ = try ChunkStream.entries(ofRequest: bytes)
            } throws: {
                ($0 as? ReplicaError)?.code == .malformed && "\($0)".contains(reason)
            }
        }
    }

    @Test("a read of more chunks than one request names makes as many requests as needed, in order")
    func batches() throws {
        let pieces = Self.pieces(ChunkStream.entriesMax * 2 + 5, seed: 3)
        let peer = MemoryChunkPeer(pieces)
        let batches = ChunkBatches(peer: peer, entries: Self.entries(pieces))
        var read: [[UInt8]] = []
        while let bytes = try batches.next() { read.append(bytes) }
        #expect(read == pieces)
        #expect(peer.requests.withLock { $0 } == [ChunkStream.entriesMax, ChunkStream.entriesMax, 5])
    }
}
