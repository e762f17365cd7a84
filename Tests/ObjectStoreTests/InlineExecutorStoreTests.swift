// Goal: a store on the inline executor (the simulator's) gives what one on the pooled executor gives (put, batch put
// with a duplicate, get, a cold get-many with its read-ahead asked for, a failed commit, garbage collection) and
// starts no thread. Method: one seeded scenario on both executors, outcomes compared and checked against the bytes
// put; the process's threads counted from /proc/self/task before, while the store's work is in flight (inside its
// sources and sinks) and after, retried while other tests' threads come and go; a fresh pooled executor fails that
// same count, so the count can fail.
import Posix
import Primitives
import TestSupport
import Testing

@testable import ObjectStore

/// A source that calls `sample` on every read, while the put's stage would be running.
private struct SamplingSource: ByteSource {
    var inner: MemorySource
    let sample: () -> Void

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        sample()
        return try inner.read(into: buffer)
    }
}

/// A sink that calls `sample` on every write, while a get's read-ahead would be running.
private struct SamplingSink: ByteSink {
    var inner = MemorySink()
    let sample: () -> Void

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        sample()
        try inner.write(buffer)
    }
}

/// A multi-object sink that calls `sample` on every write.
private struct SamplingSequenceSink: ObjectSequenceSink {
    var inner = RecordingSink()
    let sample: () -> Void

    mutating func begin(object index: Int, length: UInt64) throws { try inner.begin(object: index, length: length) }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        sample()
        try inner.write(bytes)
    }
}

@Suite(.serialized) struct InlineExecutorStoreTests {
    /// Objects of the scenario: several chunks each, the last a duplicate of the first.
    private static let objects: [[UInt8]] = {
        let first = TestBytes.random(count: 20_000, seed: 300)
        return [first, TestBytes.random(count: 9_000, seed: 301), TestBytes.random(count: 4_000, seed: 302), first]
    }()

    /// Runs the scenario on a new store in `path` over `executor`, calling `sample` while work is in flight;
    /// returns what its caller saw, in order, and checks the bytes read back against the bytes put.
    private func scenario(_ path: String, executor: any Executor, sample: @escaping () -> Void) throws -> [String] {
        let disk = FaultInjectingDisk()
        func open() throws -> ObjectStore {
            try ObjectStore.open(
                directory: path, requested: tinyConfiguration(), disk: disk, random: SeededRandomSource(seed: 1),
                executor: executor)
        }
        var seen: [String] = []
        func note(_ receipt: PutReceipt) {
            seen.append("put \(receipt.address) \(receipt.length) \(receipt.chunkCount) \(receipt.newChunkCount)")
        }
        var store = try open()
        var single = SamplingSource(inner: MemorySource(Self.objects[0]), sample: sample)
        note(try store.put(from: &single))
        let batched = try store.withBatch { batch in
            for bytes in Self.objects.dropFirst() {
                var source = SamplingSource(inner: MemorySource(bytes), sample: sample)
                try batch.put(from: &source)
            }
            return try batch.commit().map { try $0.get() }
        }
        for receipt in batched { note(receipt) }
        let addresses = try store.list().map(\.address)
        var sink = SamplingSink(sample: sample)
        try store.get(batched[0].address, into: &sink)
        #expect(sink.inner.bytes == Self.objects[1])
        store.close()

        store = try open()  // cold: nothing of the objects is in the read cache or the located records
        let order = [batched[2].address, batched[0].address, batched[1].address]
        var many = SamplingSequenceSink(sample: sample)
        try store.get(order, into: &many)
        #expect(many.inner.objects == [Self.objects[0], Self.objects[1], Self.objects[2]])
        seen.append("get-many \(many.inner.begun.map(\.length)) prefetching after: \(store.prefetchThreadCount)")

        let failed = Result {
            try store.withBatch { batch in
                let bytes = TestBytes.random(count: 7_000, seed: 303)
                var source = SamplingSource(inner: MemorySource(bytes), sample: sample)
                try batch.put(from: &source)
                disk.syncFailure.isOn = true
                defer { disk.syncFailure.isOn = false }
                return try batch.commit()
            }
        }
        if case .failure(let error as StoreError) = failed { seen.append("failed commit: \(error.code)") }
        seen.append("listed \(try store.list().map(\.address) == addresses)")
        let garbage = try store.collectGarbage()
        seen.append("garbage: live \(garbage.liveObjects)")
        store.close()
        return seen
    }

    @Test("a store on the inline executor sees exactly what one on the pooled executor sees")
    func sameResults() throws {
        let directory = TemporaryDirectory()
        let inline = try scenario(directory.appending("inline"), executor: InlineExecutor()) {}
        let pooled = try scenario(directory.appending("pooled"), executor: TestExecutors.pooled) {}
        #expect(inline == pooled)
        #expect(inline.contains { $0.hasPrefix("failed commit") })
        #expect(inline.contains("garbage: live 3") && inline.contains("listed true"))
        #expect(inline.filter { $0.hasPrefix("put ") }.count == Self.objects.count)
    }

    @Test("opening and using a store on the inline executor starts no thread")
    func startsNoThread() throws {
        let directory = TemporaryDirectory()
        var attempt = 0
        let isSteady = try ThreadCount.isSteady { sample in
            attempt += 1
            _ = try scenario(directory.appending("inline-\(attempt)"), executor: InlineExecutor(), sample: sample)
        }
        #expect(isSteady)
    }

    @Test("the same count notices the threads of a pooled executor, so it can fail")
    func countSeesPooledThreads() throws {
        let directory = TemporaryDirectory()
        var attempt = 0
        let isSteady = try ThreadCount.isSteady(attemptsMax: 3) { sample in
            attempt += 1
            let executor = PooledExecutor(name: "test-counted", threadCountMax: 8)
            defer { executor.shutDown() }
            _ = try scenario(directory.appending("pooled-\(attempt)"), executor: executor, sample: sample)
        }
        #expect(!isSteady)
    }
}
