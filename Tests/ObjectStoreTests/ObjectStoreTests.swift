// Goal: what a put returned always reads back bit-exact, through damage, lost volumes, full disks and garbage
// collection. Method: real temp directories with PosixDisk, a tiny configuration (chunks 64 B / 256 B / 1 KiB,
// 4+2 over six volumes) so many chunks are exercised quickly, and damage applied to files between operations.
import Chunking
import Foundation
import ObjectStore
import Posix
import Primitives
import TestSupport
import Testing
import Volumes

/// Six volumes, 4+2, tiny chunks and segments.
func tinyConfiguration() -> StoreConfiguration {
    var configuration = StoreConfiguration.defaults(volumeCount: 6)
    configuration.chunking = try! ChunkerConfiguration(
        chunkSizeMin: 64, chunkSizeAvg: 256, chunkSizeMax: 1024)
    configuration.smallObjectBytesMax = 128
    configuration.segmentBytesMax = 64 << 10
    return configuration
}

/// Opens a store with the tiny configuration; `pipelined` runs its jobs on the tests' pooled executor, as a node
/// does, and otherwise on the inline executor, as the simulator does.
func openStore(_ directory: String, disk: some DiskIO = PosixDisk(), pipelined: Bool = true) throws
    -> ObjectStore
{
    try ObjectStore.open(
        directory: directory, requested: tinyConfiguration(), disk: disk,
        random: SeededRandomSource(seed: 1),
        executor: pipelined ? TestExecutors.pooled : InlineExecutor())
}

func putBytes(_ store: ObjectStore, _ bytes: [UInt8]) throws -> PutReceipt {
    var source = MemorySource(bytes)
    return try store.put(from: &source)
}

/// Puts one object of random bytes per entry of `sizes` (object i seeded `firstSeed + i`); returns each object's
/// address and bytes, in order.
func putRandomObjects(_ store: ObjectStore, sizes: [Int], firstSeed: UInt64) throws -> [(
    address: ChunkAddress, bytes: [UInt8]
)] {
    try sizes.enumerated().map { index, size in
        let bytes = TestBytes.random(count: size, seed: firstSeed + UInt64(index))
        return (try putBytes(store, bytes).address, bytes)
    }
}

func getBytes(_ store: ObjectStore, _ address: ChunkAddress) throws -> [UInt8] {
    var sink = MemorySink()
    try store.get(address, into: &sink)
    return sink.bytes
}

/// Flips one byte in the middle of every segment file of volume `number`.
func damageVolume(_ directory: String, _ number: Int) throws {
    let segments = ObjectStore.volumePath(directory, number) + "/segments"
    for name in try FileManager.default.contentsOfDirectory(atPath: segments) {
        let url = URL(fileURLWithPath: segments + "/" + name)
        var bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 200 else { continue }
        for offset in stride(from: 100, to: bytes.count, by: 97) { bytes[offset] ^= 0xFF }
        try Data(bytes).write(to: url)
    }
}

@Suite(.serialized) struct ObjectStoreTests {
    @Test(
        "objects of every size round-trip bit-exact, pipelined and inline", arguments: [true, false])
    func roundTrip(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"), pipelined: pipelined)
        for (index, size) in [0, 1, 100, 1024, 5000, 100_000].enumerated() {
            let bytes = TestBytes.random(count: size, seed: UInt64(index))
            let receipt = try putBytes(store, bytes)
            #expect(receipt.length == UInt64(size))
            #expect(try getBytes(store, receipt.address) == bytes)
        }
    }

    @Test("putting the same bytes again stores no new chunk, and shared content is deduplicated")
    func deduplication() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"))
        let shared = TestBytes.random(count: 30_000, seed: 1)
        let first = try putBytes(store, shared + TestBytes.random(count: 70_000, seed: 2))
        let again = try putBytes(store, shared + TestBytes.random(count: 70_000, seed: 2))
        #expect(again.address == first.address && again.newChunkCount == 0)
        let second = try putBytes(store, shared + TestBytes.random(count: 70_000, seed: 3))
        #expect(second.newChunkCount < second.chunkCount * 85 / 100)
        #expect(
            try getBytes(store, second.address) == shared + TestBytes.random(count: 70_000, seed: 3))
    }

    @Test("damaged shards are rebuilt from parity on read and rewritten by scrub")
    func damageAndScrub() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let bytes = TestBytes.random(count: 60_000, seed: 4)
        let address = try putBytes(store, bytes).address
        store.close()
        try damageVolume(path, 0)
        store = try openStore(path)
        #expect(try getBytes(store, address) == bytes)
        let report = try store.scrub(clock: MonotonicClock())
        #expect(report.corruptRecords > 0 && report.healed > 0 && report.unrecoverable.isEmpty)
        store.close()
        // After the scrub, two other volumes may go and every byte still reads.
        for number in [3, 4] {
            try FileManager.default.removeItem(atPath: ObjectStore.volumePath(path, number))
        }
        store = try openStore(path)
        #expect(store.openReport.replacedVolumes == [3, 4])
        #expect(try getBytes(store, address) == bytes)
    }

    @Test("a volume deleted while stopped: objects still read, scrub restores full redundancy")
    func lostVolume() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let objects = try putRandomObjects(
            store, sizes: Array(repeating: 20_000, count: 5), firstSeed: 10)
        store.close()
        try FileManager.default.removeItem(atPath: ObjectStore.volumePath(path, 2))
        store = try openStore(path)
        for (address, bytes) in objects { #expect(try getBytes(store, address) == bytes) }
        let report = try store.scrub(clock: MonotonicClock())
        #expect(report.healed > 0 && report.unrecoverable.isEmpty)
        store.close()
        for number in [0, 5] {
            try FileManager.default.removeItem(atPath: ObjectStore.volumePath(path, number))
        }
        store = try openStore(path)
        for (address, bytes) in objects { #expect(try getBytes(store, address) == bytes) }
    }

    @Test(
        "a write with one volume failing succeeds degraded and heals; with three failing it is refused")
    func degradedWrites() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        _ = try openStore(path)
        let oneBroken = FaultInjectingDisk(failingDirectories: [ObjectStore.volumePath(path, 1)])
        var store = try openStore(path, disk: oneBroken)
        let bytes = TestBytes.random(count: 30_000, seed: 5)
        let receipt = try putBytes(store, bytes)
        #expect(receipt.isDegraded)
        store.close()
        store = try openStore(path)
        #expect(store.pendingHealCount > 0, "the heal queue survives a restart")
        #expect(try getBytes(store, receipt.address) == bytes)
        #expect(try store.scrub(clock: MonotonicClock()).healed > 0)
        #expect(store.pendingHealCount == 0)
        #expect(!FileManager.default.fileExists(atPath: path + "/heal-queue"))
        store.close()
        let threeBroken = FaultInjectingDisk(
            failingDirectories: (0..<3).map { ObjectStore.volumePath(path, $0) })
        store = try openStore(path, disk: threeBroken)
        #expect { try putBytes(store, TestBytes.random(count: 30_000, seed: 6)) } throws: {
            ($0 as? StoreError)?.code == .unavailable
        }
    }

    @Test(
        "a full disk (injected ENOSPC) fails the put clearly, leaves nothing partial, and later puts work"
    )
    func fullDisk() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let first = TestBytes.random(count: 10_000, seed: 7)
        let firstAddress = try putBytes(store, first).address
        store.close()
        store = try openStore(path, disk: FaultInjectingDisk(bytesBudget: 20_000))
        #expect { try putBytes(store, TestBytes.random(count: 200_000, seed: 8)) } throws: {
            ($0 as? StoreError)?.code == .diskFull && "\($0)".contains("full")
        }
        store.close()
        store = try openStore(path)
        #expect(try store.list().map(\.address) == [firstAddress])
        #expect(try getBytes(store, firstAddress) == first)
        let later = try putBytes(store, TestBytes.random(count: 5000, seed: 9))
        #expect(try getBytes(store, later.address) == TestBytes.random(count: 5000, seed: 9))
    }

    @Test("delete and garbage collection free unique chunks and keep shared ones")
    func garbage() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let shared = TestBytes.random(count: 30_000, seed: 11)
        let doomed = shared + TestBytes.random(count: 200_000, seed: 12)
        let kept = shared + TestBytes.random(count: 20_000, seed: 13)
        let doomedAddress = try putBytes(store, doomed).address
        let keptAddress = try putBytes(store, kept).address
        try store.delete(doomedAddress)
        #expect { try getBytes(store, doomedAddress) } throws: {
            ($0 as? StoreError)?.code == .notFound
        }
        let report = try store.collectGarbage()
        #expect(report.liveObjects == 1 && report.recordsFreed > 0 && report.bytesReclaimed > 0)
        store.close()
        store = try openStore(path)
        #expect(try getBytes(store, keptAddress) == kept)
        #expect(try store.list().map(\.address) == [keptAddress])
        #expect { try store.delete(doomedAddress) } throws: { ($0 as? StoreError)?.code == .notFound }
    }

    @Test("bad configurations are refused naming the setting")
    func configurationErrors() throws {
        let directory = TemporaryDirectory()
        var configuration = tinyConfiguration()
        configuration.volumeCount = 4
        let seeded = SeededRandomSource(seed: 1)
        #expect {
            try ObjectStore.open(
                directory: directory.appending("a"), requested: configuration, disk: PosixDisk(),
                random: seeded, executor: InlineExecutor())
        } throws: { "\($0)".contains("larger than the volumeCount 4") }
        #expect {
            try ObjectStore.open(
                directory: directory.appending("missing/parent"), disk: PosixDisk(), random: seeded,
                executor: InlineExecutor())
        } throws: {
            "\($0)".contains("does not exist")
        }
        _ = try openStore(directory.appending("b"))
        #expect {
            try ObjectStore.open(
                directory: directory.appending("b"), requested: .defaults(volumeCount: 8),
                disk: PosixDisk(), random: seeded, executor: InlineExecutor())
        } throws: { "\($0)".contains("cannot change in place") }
    }
}
