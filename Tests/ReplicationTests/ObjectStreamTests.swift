// Goal: a run of objects held elsewhere comes in one request, each framed and whole, in order; an object the nearest
// holder lacks is read from another without breaking the run; a holder whose answer stops mid-object is left for
// the next from the chunk it stopped in, the run going on; a holder hedged away from is asked again when the others
// fail; malformed requests are refused by name.
// Method: in-process nodes (RegionFixture) whose internal API is the real responder, called directly; a peer whose
// answers are cut after a number of bytes.
import Catalog
import ObjectStore
import Primitives
import Replication
import Synchronization
import TestSupport
import Testing

/// Records the objects of a run as they are framed.
struct FramedSink: ObjectSequenceSink {
    var objects: [[UInt8]] = []
    var events: [String] = []

    mutating func begin(object index: Int, length: UInt64) throws {
        events.append("\(index): \(length)")
        objects.append([])
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { objects[objects.count - 1] += bytes }
}

/// Requests a peer made, counted across threads.
final class RequestCount: Sendable {
    let count = Mutex(0)
}

@Suite struct ObjectStreamTests {
    /// Five objects of a study stored at `nodes` (all of them, unless `skipping` names one object a node lacks).
    static func store(at nodes: [TestNode], lackingAt lacking: (node: TestNode, index: Int)? = nil) throws
        -> [(address: ChunkAddress, bytes: [UInt8])]
    {
        var objects: [(address: ChunkAddress, bytes: [UInt8])] = []
        for index in 0..<5 {
            let bytes = TestBytes.random(count: 1_500 + 700 * index, seed: UInt64(80 + index))
            var address: ChunkAddress?
            for node in nodes where !(lacking?.node === node && lacking?.index == index) {
                address = try node.store(study: "8.1", sop: "8.1.1.\(index)", bytes: bytes, targets: [], version: 1)
            }
            objects.append((try #require(address), bytes))
        }
        return objects
    }

    /// A peer of `node` counting its objects requests, its answers cut after `cutAfter` bytes when given.
    static func peer(_ node: TestNode, requests: RequestCount = RequestCount(), cutAfter: Int? = nil)
        -> InternalAPIPeer
    {
        InternalAPIPeer { method, path, body, _, _ in
            if path.hasSuffix("/objects") { requests.count.withLock { $0 += 1 } }
            let (status, answer) = try node.exchange(method: method, target: path, body: body)
            let cut = path.hasSuffix("/objects") ? Array(answer.prefix(cutAfter ?? answer.count)) : answer
            return (status, MemorySource(cut))
        }
    }

    @Test("a run of five objects comes in one request, each begun with its length, whole and in order")
    func oneRequest() throws {
        let holder = try TestNode(1)
        let objects = try Self.store(at: [holder])
        let requests = RequestCount()
        let reader = NearestHolderReader(holders: [(holder.id, Self.peer(holder, requests: requests))])
        var sink = FramedSink()
        let failures = try reader.getAll(objects.map { ($0.address, UInt64($0.bytes.count)) }, into: &sink)
        #expect(failures.isEmpty)
        #expect(sink.objects == objects.map(\.bytes))
        #expect(sink.events == objects.enumerated().map { "\($0.offset): \($0.element.bytes.count)" })
        #expect(requests.count.withLock { $0 } == 1)
    }

    @Test("an object the nearest holder lacks is read from another, and the run goes on")
    func lackingObject() throws {
        let near = try TestNode(1)
        let far = try TestNode(2)
        let objects = try Self.store(at: [near, far], lackingAt: (near, 3))
        let requests = RequestCount()
        let reader = NearestHolderReader(holders: [
            (near.id, Self.peer(near, requests: requests)), (far.id, Self.peer(far)),
        ])
        var sink = FramedSink()
        let failures = try reader.getAll(objects.map { ($0.address, UInt64($0.bytes.count)) }, into: &sink)
        #expect(failures.isEmpty, "\(failures)")
        #expect(sink.objects == objects.map(\.bytes))
        #expect(sink.events == objects.enumerated().map { "\($0.offset): \($0.element.bytes.count)" })
        #expect(requests.count.withLock { $0 } == 1)
    }

    @Test("an answer that stops mid-object moves the rest of it and of the run to the next holder")
    func cutMidObject() throws {
        let near = try TestNode(1)
        let far = try TestNode(2)
        let objects = try Self.store(at: [near, far])
        // Past the first object (4-byte length, manifest, chunks) and 500 bytes into the second's chunks.
        let manifests = try objects.prefix(2).map { try near.store.manifest($0.address).encoded().count }
        let cut = 4 + manifests[0] + objects[0].bytes.count + 4 + manifests[1] + 500
        let reader = NearestHolderReader(holders: [
            (near.id, Self.peer(near, cutAfter: cut)), (far.id, Self.peer(far)),
        ])
        var sink = FramedSink()
        let failures = try reader.getAll(objects.map { ($0.address, UInt64($0.bytes.count)) }, into: &sink)
        #expect(failures.map(\.node) == [near.id], "\(failures)")
        #expect(failures.first?.reason.contains("the answer ended inside") == true, "\(failures)")
        #expect(sink.objects == objects.map(\.bytes))
        #expect(sink.events == objects.enumerated().map { "\($0.offset): \($0.element.bytes.count)" })
    }

    @Test("a holder hedged away from for being slow is asked again, and waited for, once every other has failed")
    func hedgedHolderAskedAgain() throws {
        let near = try TestNode(1)
        let objects = try Self.store(at: [near])
        // The near holder is known to answer within 10 ms and now misses any deadline; the far one fails outright.
        let latencies = HolderLatencies()
        for _ in 0..<20 { latencies.record(near.id, seconds: 0.010) }
        let deadlines = Mutex<[Double?]>([])
        let slow = InternalAPIPeer { method, path, body, _, within in
            if path.hasSuffix("/objects") {
                deadlines.withLock { $0.append(within) }
                if let within { throw ReplicaError(.slow, "no answer within \(within) s") }
            }
            let (status, answer) = try near.exchange(method: method, target: path, body: body)
            return (status, MemorySource(answer))
        }
        let failing = InternalAPIPeer { _, _, _, _, _ in throw ReplicaError(.unavailable, "the far holder is down") }
        let reader = NearestHolderReader(
            holders: [(near.id, slow), (NodeID(9), failing)], latencies: (latencies, SteppedClock()))
        var sink = FramedSink()
        let failures = try reader.getAll(objects.map { ($0.address, UInt64($0.bytes.count)) }, into: &sink)
        #expect(failures.map(\.node) == [near.id, NodeID(9)], "\(failures)")
        #expect(sink.objects == objects.map(\.bytes))
        #expect(deadlines.withLock { $0 } == [0.010, nil] && latencies.hedgeCount == 1)
    }

    @Test("malformed objects requests are refused naming the fault")
    func malformedRequests() throws {
        let node = try TestNode(1)
        let cases: [([UInt8], String)] = [
            ([], "starts with version 1"), ([1, 0, 0], "not 0"),
            ([1, 2, 0] + [UInt8](repeating: 0, count: 32), "not 2"),
            ([1, 1, 4] + [UInt8](repeating: 0, count: 32), "not 1025"),
        ]
        for (body, reason) in cases {
            let answer = try node.exchange(method: "POST", target: "/internal/v1/objects", body: MemorySource(body))
            #expect(answer.status == 400)
            #expect(String(decoding: answer.body, as: UTF8.self).contains(reason), "\(body.prefix(3))")
        }
    }
}
