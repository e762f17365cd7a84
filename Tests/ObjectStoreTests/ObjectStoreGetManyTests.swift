// Goal: a multi-object get delivers every object in order, byte-identical, each announced with its length, with
// the read-ahead thread joined however the get ends (a sink that fails, an object that cannot be rebuilt), and
// never delivers a byte that failed its SHA-256. Method: tiny chunks so objects span many chunks, a recording sink,
// damage applied to segment files between operations, and the store's count of running read-ahead threads.
import Foundation
import ObjectStore
import Primitives
import TestSupport
import Testing

/// Records what a multi-object get delivered; fails its `failAfterWrites`-th write when set.
struct RecordingSink: ObjectSequenceSink {
    struct Failure: Error {}

    var begun: [(index: Int, length: UInt64)] = []
    var objects: [[UInt8]] = []
    var failAfterWrites: Int?
    var writeCount = 0

    mutating func begin(object index: Int, length: UInt64) throws {
        begun.append((index, length))
        objects.append([])
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        writeCount += 1
        if let failAfterWrites, writeCount > failAfterWrites { throw Failure() }
        objects[objects.count - 1] += bytes
    }
}

@Suite(.serialized) struct ObjectStoreGetManyTests {
    /// Puts `count` objects of assorted sizes (empty, copies, many chunks) and returns them with their addresses.
    func putObjects(_ store: ObjectStore, count: Int, seed: UInt64) throws -> [(ChunkAddress, [UInt8])] {
        var random = SeededRandom(seed: seed)
        return try (0..<count).map { index in
            let size = index == 3 ? 0 : Int(random.next() % 12_000)
            let bytes = TestBytes.random(count: size, seed: seed &+ UInt64(index))
            return (try putBytes(store, bytes).address, bytes)
        }
    }

    @Test("many objects come back in order and byte-identical, pipelined and inline", arguments: [true, false])
    func inOrder(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"), pipelined: pipelined)
        var objects = try putObjects(store, count: 60, seed: 7)
        objects.append(objects[5])  // the same object twice in one read
        var sink = RecordingSink()
        try store.get(objects.map(\.0), into: &sink)
        #expect(sink.begun.map(\.index) == Array(objects.indices))
        #expect(sink.begun.map(\.length) == objects.map { UInt64($0.1.count) })
        #expect(sink.objects == objects.map(\.1))
        #expect(store.prefetchThreadCount == 0)
    }

    @Test("a sink that fails part way stops the read and the read-ahead thread is joined")
    func sinkFails() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"))
        let objects = try putObjects(store, count: 40, seed: 8)
        for failAfter in [0, 1, 5, 50] {
            var sink = RecordingSink(failAfterWrites: failAfter)
            #expect(throws: RecordingSink.Failure.self) { try store.get(objects.map(\.0), into: &sink) }
            #expect(store.prefetchThreadCount == 0)
        }
        var sink = RecordingSink()
        try store.get(objects.map(\.0), into: &sink)
        #expect(sink.objects == objects.map(\.1))
    }

    @Test("a damaged volume is read around from parity; past the parity nothing unverified is delivered")
    func damage() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let objects = try putObjects(store, count: 30, seed: 9).filter { $0.1.count > 2_000 }
        store.close()
        try damageVolume(path, 1)
        store = try openStore(path)
        var sink = RecordingSink()
        try store.get(objects.map(\.0), into: &sink)
        #expect(sink.objects == objects.map(\.1))
        store.close()
        for number in [2, 4] { try damageVolume(path, number) }
        store = try openStore(path)
        var damaged = RecordingSink()
        #expect(throws: StoreError.self) { try store.get(objects.map(\.0), into: &damaged) }
        #expect(store.prefetchThreadCount == 0)
        // Whatever arrived before the failure is a prefix of the true bytes: a chunk that failed never arrives.
        for (index, delivered) in damaged.objects.enumerated() {
            #expect(Array(objects[index].1.prefix(delivered.count)) == delivered)
        }
        #expect(damaged.objects.count <= objects.count)
        store.close()
    }

    @Test("an unknown address fails the read, after the objects before it")
    func unknown() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"))
        let objects = try putObjects(store, count: 5, seed: 10)
        let missing = try #require(ChunkAddress(hex: String(repeating: "ab", count: 32)))
        var sink = RecordingSink()
        #expect(throws: StoreError.self) { try store.get(objects.map(\.0) + [missing], into: &sink) }
        #expect(sink.objects == objects.map(\.1))
        #expect(store.prefetchThreadCount == 0)
    }
}
