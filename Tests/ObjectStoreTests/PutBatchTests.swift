// Goal: a batch makes its objects durable together and never shows a partial one: objects put into a batch are
// invisible until the commit and read back bit-exact after it; a put that fails inside a batch takes back its
// records and leaves the others (whether it fails reading, or storing on the stage thread, reported by the
// commit); an abandoned batch leaves nothing; dedup works inside one batch; a failing
// volume degrades the batch, it does not fail it. Method: real temp stores with the tiny configuration.
import Foundation
import ObjectStore
import Posix
import Primitives
import TestSupport
import Testing

/// Yields `bytes`, then fails instead of ending.
private struct FailingSource: ByteSource {
    var inner: MemorySource
    struct Broken: Error {}

    init(_ bytes: [UInt8]) { inner = MemorySource(bytes) }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        if count == 0 { throw Broken() }
        return count
    }
}

/// Bytes in every segment file of the store.
private func segmentBytes(_ path: String) throws -> Int {
    var total = 0
    for number in 0..<6 {
        let segments = ObjectStore.volumePath(path, number) + "/segments"
        for name in try FileManager.default.contentsOfDirectory(atPath: segments) {
            let attributes = try FileManager.default.attributesOfItem(atPath: segments + "/" + name)
            total += (attributes[.size] as? Int) ?? 0
        }
    }
    return total
}

@Suite(.serialized) struct PutBatchTests {
    @Test("objects put in one batch are invisible until the commit, then all read back bit-exact")
    func commitTogether() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"))
        let objects = (0..<5).map { TestBytes.random(count: [10, 100, 5000, 30_000, 0][$0], seed: UInt64(20 + $0)) }
        let receipts = try store.withBatch { batch in
            for bytes in objects {
                var source = MemorySource(bytes)
                try batch.put(from: &source)
            }
            #expect(batch.count == objects.count)
            #expect(try store.list().isEmpty, "nothing is visible before the commit")
            return try batch.commit().map { try $0.get() }
        }
        #expect(receipts.count == objects.count)
        for (receipt, bytes) in zip(receipts, objects) {
            #expect(receipt.length == UInt64(bytes.count))
            #expect(try getBytes(store, receipt.address) == bytes)
        }
        #expect(try Set(store.list().map(\.address)) == Set(receipts.map(\.address)))
        store.close()
        let reopened = try openStore(directory.appending("data"))
        for (receipt, bytes) in zip(receipts, objects) { #expect(try getBytes(reopened, receipt.address) == bytes) }
    }

    @Test(
        "a put failing inside a batch takes back its records; the batch's other objects still commit",
        arguments: [false, true])
    func failureInTheMiddle(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        let store = try openStore(path, pipelined: pipelined)
        let first = TestBytes.random(count: 20_000, seed: 30)
        let broken = TestBytes.random(count: 40_000, seed: 31)
        let last = TestBytes.random(count: 20_000, seed: 32)
        let receipts = try store.withBatch { batch in
            var source = MemorySource(first)
            try batch.put(from: &source)
            // Pipelined, the first put's chunks may still be on their way: only inline is the size known here.
            let before = try segmentBytes(path)
            var failing = FailingSource(broken)
            #expect(throws: StoreError.self) { try batch.put(from: &failing) }
            if !pipelined { #expect(try segmentBytes(path) == before, "the failed put's records are cut off again") }
            // The failed put's chunks were forgotten by the batch: the same bytes stored now are written afresh.
            var again = MemorySource(broken + last)
            try batch.put(from: &again)
            return try batch.commit().map { try $0.get() }
        }
        #expect(receipts.count == 2)
        #expect(try getBytes(store, receipts[0].address) == first)
        #expect(try getBytes(store, receipts[1].address) == broken + last)
        #expect(try store.list().count == 2)
        // Nothing of the failed put is left: the segments hold what a batch of the two good objects writes.
        let reference = try openStore(directory.appending("reference"), pipelined: pipelined)
        _ = try reference.withBatch { batch in
            for bytes in [first, broken + last] {
                var source = MemorySource(bytes)
                try batch.put(from: &source)
            }
            return try batch.commit().map { try $0.get() }
        }
        #expect(try segmentBytes(path) == segmentBytes(directory.appending("reference")))
    }

    @Test(
        "a put whose chunks cannot be stored fails alone, in the commit's outcomes; the others commit",
        arguments: [false, true])
    func stageFailure(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        _ = try openStore(path)
        let marker = Array("no room for this object".utf8)
        let store = try openStore(path, disk: FaultInjectingDisk(failingPrefix: marker), pipelined: pipelined)
        let objects = [
            TestBytes.random(count: 20_000, seed: 33), marker + TestBytes.random(count: 20_000, seed: 34),
            TestBytes.random(count: 20_000, seed: 35),
        ]
        let outcomes = try store.withBatch { batch in
            for bytes in objects {
                var source = MemorySource(bytes)
                try batch.put(from: &source)
            }
            return try batch.commit()
        }
        #expect(outcomes.count == 3)
        guard case .failure(let error) = outcomes[1] else {
            Issue.record("the object whose writes fail must fail")
            return
        }
        #expect(error.code == .diskFull)
        for index in [0, 2] {
            let receipt = try outcomes[index].get()
            #expect(try getBytes(store, receipt.address) == objects[index])
        }
        #expect(try store.list().count == 2)
    }

    @Test("work alongside the commit sees the outcomes to come and learns when they are durable, or that they failed")
    func commitAlongside() throws {
        let directory = TemporaryDirectory()
        let disk = FaultInjectingDisk()
        let store = try openStore(directory.appending("data"), disk: disk)
        let bytes = TestBytes.random(count: 30_000, seed: 40)
        var seen: [ChunkAddress] = []
        var durable: [Bool] = []
        let receipts = try store.withBatch { batch in
            var source = MemorySource(bytes)
            try batch.put(from: &source)
            return try batch.commit { outcomes, awaitDurable in
                seen = outcomes.compactMap { try? $0.get().address }
                durable.append(awaitDurable())
                durable.append(awaitDurable())  // asked again: the same answer, no second wait
            }.map { try $0.get() }
        }
        #expect(seen == receipts.map(\.address) && durable == [true, true])
        #expect(try getBytes(store, receipts[0].address) == bytes)

        var failedRound: Bool?
        #expect(throws: StoreError.self) {
            try store.withBatch { batch in
                var source = MemorySource(TestBytes.random(count: 30_000, seed: 41))
                try batch.put(from: &source)
                disk.syncFailure.isOn = true
                defer { disk.syncFailure.isOn = false }
                _ = try batch.commit { _, awaitDurable in failedRound = awaitDurable() }
            }
        }
        #expect(failedRound == false)
        #expect(try store.list().map(\.address) == [receipts[0].address])
    }

    @Test("a batch left uncommitted (its body throws) leaves no object and takes back every record")
    func abandoned() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        let store = try openStore(path)
        let kept = try putBytes(store, TestBytes.random(count: 9000, seed: 40))
        let before = try segmentBytes(path)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.withBatch { batch in
                for seed in 41..<44 {
                    var source = MemorySource(TestBytes.random(count: 25_000, seed: UInt64(seed)))
                    try batch.put(from: &source)
                }
                throw Stop()
            }
        }
        #expect(try segmentBytes(path) == before)
        #expect(try store.list().map(\.address) == [kept.address])
        store.close()
        let reopened = try openStore(path)
        #expect(try reopened.list().map(\.address) == [kept.address])
    }

    @Test("two objects with the same chunks in one batch store each chunk once, and one manifest")
    func dedupInsideBatch() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"))
        let shared = TestBytes.random(count: 30_000, seed: 50)
        let other = shared + TestBytes.random(count: 30_000, seed: 51)
        let receipts = try store.withBatch { batch in
            for bytes in [shared, shared, other] {
                var source = MemorySource(bytes)
                try batch.put(from: &source)
            }
            return try batch.commit().map { try $0.get() }
        }
        #expect(receipts[0].address == receipts[1].address)
        #expect(receipts[0].newChunkCount > 0 && receipts[1].newChunkCount == 0)
        #expect(receipts[2].newChunkCount < receipts[2].chunkCount * 85 / 100)
        #expect(try getBytes(store, receipts[0].address) == shared)
        #expect(try getBytes(store, receipts[2].address) == other)
        #expect(try store.list().count == 2)
        // The same records as putting each distinct object once, one after the other.
        let single = try openStore(directory.appending("single"))
        _ = try putBytes(single, shared)
        _ = try putBytes(single, other)
        let report = try store.scrub(clock: MonotonicClock())
        #expect(report.corruptRecords == 0 && report.incompleteObjects == 0 && report.healed == 0)
        #expect(report.recordsChecked == (try single.scrub(clock: MonotonicClock())).recordsChecked)
    }

    @Test("a volume failing during a batch degrades it: every object commits, reads back, and is queued to heal")
    func degradedBatch() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        _ = try openStore(path)
        let store = try openStore(path, disk: FaultInjectingDisk(failingDirectories: [ObjectStore.volumePath(path, 2)]))
        let objects = (0..<3).map { TestBytes.random(count: 20_000, seed: UInt64(60 + $0)) }
        let receipts = try store.withBatch { batch in
            for bytes in objects {
                var source = MemorySource(bytes)
                try batch.put(from: &source)
            }
            return try batch.commit().map { try $0.get() }
        }
        #expect(receipts.allSatisfy { $0.isDegraded })
        #expect(store.pendingHealCount > 0)
        #expect(FileManager.default.fileExists(atPath: path + "/heal-queue"))
        for (receipt, bytes) in zip(receipts, objects) { #expect(try getBytes(store, receipt.address) == bytes) }
    }

    // MARK: - End-to-end checks of Volume.discard and Volume.commit(_:) (pinned at the volume in VolumeCommitTests)

    @Test("a batch abandoned after another put's commit made its records durable cuts nothing off")
    func abandonedAfterForeignCommit() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        // Inline, so the batch's records are on the volumes when its put returns, before the other put commits.
        let store = try openStore(path, pipelined: false)
        let other = TestBytes.random(count: 30_000, seed: 71)
        var receipt: PutReceipt?
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.withBatch { batch in
                var source = MemorySource(TestBytes.random(count: 30_000, seed: 70))
                try batch.put(from: &source)
                // This put appends after the batch on the same volumes and commits them, the batch's records too.
                receipt = try putBytes(store, other)
                throw Stop()
            }
        }
        let stored = try #require(receipt)
        #expect(try getBytes(store, stored.address) == other)
        store.close()
        let reopened = try openStore(path)
        #expect(try getBytes(reopened, stored.address) == other)
        #expect(try reopened.list().map(\.address) == [stored.address])
    }

    @Test("a failed commit by another put that took the batch's records with it fails the batch, leaving nothing")
    func foreignCommitFailure() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        _ = try openStore(path)
        let disk = FaultInjectingDisk()
        // Inline, so the batch's records are on the volumes when its put returns, before the other put commits.
        let store = try openStore(path, disk: disk, pipelined: false)
        let bytes = TestBytes.random(count: 30_000, seed: 80)
        #expect(throws: StoreError.self) {
            try store.withBatch { batch in
                var source = MemorySource(bytes)
                try batch.put(from: &source)
                disk.syncFailure.isOn = true
                let other = Result { try putBytes(store, TestBytes.random(count: 30_000, seed: 81)) }
                disk.syncFailure.isOn = false
                guard case .failure = other else {
                    Issue.record("a put whose fdatasync fails must fail")
                    return
                }
                _ = try batch.commit()
            }
        }
        #expect(try store.list().isEmpty)
        let again = try putBytes(store, bytes)
        #expect(try getBytes(store, again.address) == bytes)
    }
}
