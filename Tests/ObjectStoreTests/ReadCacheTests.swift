// Goal: the read cache serves only verified bytes, forgets what it must (deleted objects, collected chunks, the
// least recently used beyond its budget), and a read it answers is byte-identical to one from the volumes.
// Method: CostBoundedLRU against a plain array model under seeded random operations; a real store in a temp
// directory with the tiny configuration, whose segment files are damaged behind the cache's back.
import Foundation
import Posix
import Primitives
import TestSupport
import Testing

@testable import ObjectStore

@Suite struct CostBoundedLRUTests {
    /// The model: values in least-to-most recently used order.
    private struct Model {
        var items: [(key: Int, value: Int, cost: Int)] = []
        let costMax: Int

        mutating func value(for key: Int) -> Int? {
            guard let index = items.firstIndex(where: { $0.key == key }) else { return nil }
            let item = items.remove(at: index)
            items.append(item)
            return item.value
        }

        mutating func insert(_ value: Int, for key: Int, cost: Int) {
            remove(key)
            guard cost <= costMax else { return }
            while items.map(\.cost).reduce(0, +) + cost > costMax { items.removeFirst() }
            items.append((key, value, cost))
        }

        mutating func remove(_ key: Int) { items.removeAll { $0.key == key } }
    }

    @Test(
        "matches a plain list model under random lookups, inserts and removes", arguments: [1, 2, 3, 4])
    func matchesModel(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var lru = CostBoundedLRU<Int, Int>(costMax: 100)
        var model = Model(costMax: 100)
        for step in 0..<5_000 {
            let key = Int(random.next() % 40)
            switch random.next() % 10 {
            case 0..<4:
                #expect(lru.value(for: key) == model.value(for: key), "step \(step)")
            case 4..<9:
                let cost = Int(random.next() % 40)
                lru.insert(step, for: key, cost: cost)
                model.insert(step, for: key, cost: cost)
            default:
                lru.remove(key)
                model.remove(key)
            }
            #expect(lru.cost == model.items.map(\.cost).reduce(0, +) && lru.cost <= 100, "step \(step)")
            #expect(lru.count == model.items.count, "step \(step)")
        }
    }

    @Test("a value over the budget is not kept and drops the older value of its key")
    func oversizedValue() {
        var lru = CostBoundedLRU<String, Int>(costMax: 10)
        lru.insert(1, for: "a", cost: 4)
        lru.insert(2, for: "a", cost: 11)
        #expect(lru.value(for: "a") == nil && lru.cost == 0 && lru.count == 0)
    }

    @Test("a lookup makes a value the most recently used, so the other one is forgotten first")
    func recency() {
        var lru = CostBoundedLRU<String, Int>(costMax: 10)
        lru.insert(1, for: "a", cost: 5)
        lru.insert(2, for: "b", cost: 5)
        #expect(lru.value(for: "a") == 1)
        lru.insert(3, for: "c", cost: 5)
        #expect(lru.value(for: "b") == nil && lru.value(for: "a") == 1 && lru.value(for: "c") == 3)
    }
}

@Suite(.serialized) struct ReadCacheTests {
    private func openCached(_ path: String, bytes: Int = 1 << 20) throws -> ObjectStore {
        try ObjectStore.open(
            directory: path, requested: tinyConfiguration(), disk: PosixDisk(),
            random: SeededRandomSource(seed: 1), executor: TestExecutors.pooled,
            readCacheBytes: bytes)
    }

    @Test(
        "chunks are kept from their second read; later reads come from memory, even after the volumes were damaged"
    )
    func servesVerifiedCopy() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        let store = try openCached(path)
        let bytes = TestBytes.random(count: 40_000, seed: 21)
        let address = try putBytes(store, bytes).address
        #expect(store.readCacheStatistics?.bytes == 0, "a put does not fill the read cache")
        #expect(try getBytes(store, address) == bytes)
        let first = try #require(store.readCacheStatistics)
        #expect(
            first.hitCount == 0 && first.missCount > 0 && first.bytes < bytes.count,
            "one read keeps no chunk")
        #expect(try getBytes(store, address) == bytes)
        let second = try #require(store.readCacheStatistics)
        #expect(
            second.hitCount == 0 && second.missCount == 2 * first.missCount && second.bytes >= bytes.count
        )
        // Every data and parity shard damaged: only memory can still give the right bytes.
        for number in 0..<6 { try damageVolume(path, number) }
        #expect(try getBytes(store, address) == bytes)
        let third = try #require(store.readCacheStatistics)
        #expect(third.hitCount == first.missCount && third.missCount == second.missCount)
        store.close()
        let reopened = try openCached(path)
        #expect(throws: StoreError.self, "a new process starts with an empty cache and sees the damage") {
            try getBytes(reopened, address)
        }
    }

    @Test("a chunk that fails its check is not kept")
    func keepsNothingDamaged() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openCached(path)
        let address = try putBytes(store, TestBytes.random(count: 40_000, seed: 22)).address
        store.close()
        for number in 0..<6 { try damageVolume(path, number) }
        store = try openCached(path)
        for _ in 0..<2 { #expect(throws: StoreError.self) { try getBytes(store, address) } }
        #expect(store.readCacheStatistics?.bytes == 0)
    }

    @Test("a deleted object is not served from the cache, and garbage collection empties it")
    func deleteAndCollect() throws {
        let directory = TemporaryDirectory()
        let store = try openCached(directory.appending("data"))
        let doomed = try putBytes(store, TestBytes.random(count: 30_000, seed: 23)).address
        let kept = TestBytes.random(count: 30_000, seed: 24)
        let keptAddress = try putBytes(store, kept).address
        for _ in 0..<2 {
            _ = try getBytes(store, doomed)
            _ = try getBytes(store, keptAddress)
        }
        #expect((store.readCacheStatistics?.bytes ?? 0) > 60_000)
        try store.delete(doomed)
        #expect { try getBytes(store, doomed) } throws: { ($0 as? StoreError)?.code == .notFound }
        _ = try store.collectGarbage()
        #expect(store.readCacheStatistics?.bytes == 0)
        #expect(try getBytes(store, keptAddress) == kept)
    }

    @Test("a study whose instances the cache holds whole is delivered from memory, in order")
    func studyFromMemory() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        let store = try openCached(path)
        let objects = try putRandomObjects(
            store, sizes: (0..<8).map { 5_000 + $0 * 3_000 }, firstSeed: 50)
        for _ in 0..<2 {
            var sink = ObjectsSink()
            try store.get(objects.map(\.address), into: &sink)
            #expect(sink.objects == objects.map(\.bytes))
        }
        let before = try #require(store.readCacheStatistics)
        for number in 0..<6 { try damageVolume(path, number) }
        var sink = ObjectsSink()
        try store.get(objects.map(\.address), into: &sink)
        #expect(sink.objects == objects.map(\.bytes))
        let after = try #require(store.readCacheStatistics)
        #expect(after.missCount == before.missCount && after.hitCount > before.hitCount)
    }

    @Test("a study read larger than the cache stays within its budget and reads back right")
    func budget() throws {
        let directory = TemporaryDirectory()
        let budget = 64 << 10
        let store = try openCached(directory.appending("data"), bytes: budget)
        let objects = try putRandomObjects(
            store, sizes: Array(repeating: 20_000, count: 12), firstSeed: 30)
        for _ in 0..<3 {
            var sink = ObjectsSink()
            try store.get(objects.map(\.address), into: &sink)
            #expect(sink.objects == objects.map(\.bytes))
            #expect((store.readCacheStatistics?.bytes ?? .max) <= budget)
        }
    }
}

/// Collects the objects of a multi-object read.
private struct ObjectsSink: ObjectSequenceSink {
    var objects: [[UInt8]] = []

    mutating func begin(object index: Int, length: UInt64) throws {
        #expect(index == objects.count)
        objects.append([])
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        objects[objects.count - 1] += bytes
    }
}
