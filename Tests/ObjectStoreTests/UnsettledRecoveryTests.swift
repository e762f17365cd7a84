// Goal: a put a crash interrupted in its commit round (a manifest durable, chunks lost on other volumes) is deleted
// when the store opens, while a complete one, and any object settled before the crash, is kept. Method: the tiny
// configuration; the crash's losses made by wiping chosen volumes (segments emptied, index removed) while stopped.
import Foundation
import ObjectStore
import Posix
import Primitives
import TestSupport
import Testing
import Volumes

/// The volume numbers that hold no copy of the manifest at `address` (the store is closed).
private func volumesWithoutManifest(_ directory: String, _ address: ChunkAddress) throws -> [Int] {
    try (0..<6).filter { number in
        let volume = try Volume.open(
            path: ObjectStore.volumePath(directory, number), disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        defer { volume.close() }
        return try !volume.lookup(address).contains { $0.header.kind == .manifest }
    }
}

/// Empties volume `number` as a crash that lost everything written to it would: every segment cut to nothing, the
/// index gone (it would point past the segments' ends and be rebuilt anyway).
private func wipeVolume(_ directory: String, _ number: Int) throws {
    let path = ObjectStore.volumePath(directory, number)
    for name in try FileManager.default.contentsOfDirectory(atPath: path + "/segments") {
        try Data().write(to: URL(fileURLWithPath: path + "/segments/" + name))
    }
    for suffix in ["", "-wal", "-shm"] { unlink(path + "/index.sqlite" + suffix) }
}

@Suite(.serialized) struct UnsettledRecoveryTests {
    @Test("an unsettled object whose chunks lost too many shards is deleted at open and reported")
    func unfinishedPutIsDeleted() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path, pipelined: false)
        let object = try putRandomObjects(store, sizes: [60_000], firstSeed: 1)[0]
        store.close()
        let withoutCopy = try volumesWithoutManifest(path, object.address)
        #expect(withoutCopy.count == 3)
        for number in withoutCopy { try wipeVolume(path, number) }  // 3 of 6 shards of every chunk lost: below 4

        store = try openStore(path, pipelined: false)
        #expect(store.openReport.discardedUnfinished == [object.address])
        #expect(store.openReport.unsettledNotes.first?.contains(object.address.description) == true)
        #expect(throws: StoreError.self) { try getBytes(store, object.address) }
        #expect(try store.list().isEmpty)
        store.close()
        store = try openStore(path, pipelined: false)
        #expect(store.openReport.discardedUnfinished.isEmpty)  // the tombstones settled it
        store.close()
    }

    @Test("an unsettled object with enough shards of every chunk is kept and reads back")
    func completeUnsettledObjectIsKept() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path, pipelined: false)
        let object = try putRandomObjects(store, sizes: [60_000], firstSeed: 2)[0]
        store.close()
        for number in try volumesWithoutManifest(path, object.address).prefix(2) { try wipeVolume(path, number) }

        store = try openStore(path, pipelined: false)
        #expect(store.openReport.discardedUnfinished.isEmpty)
        #expect(try getBytes(store, object.address) == object.bytes)
        store.close()
    }

    @Test("an object settled before the crash is never deleted by the check, even with chunks lost")
    func settledObjectIsNotChecked() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path, pipelined: false)
        let settled = try putRandomObjects(store, sizes: [60_000], firstSeed: 3)[0]
        let later = try putRandomObjects(store, sizes: [50_000], firstSeed: 4)[0]  // its commit settles the first
        store.close()
        for number in try volumesWithoutManifest(path, settled.address) { try wipeVolume(path, number) }

        store = try openStore(path, pipelined: false)
        // Only the later object, whose chunks were lost with the same volumes, may be deleted.
        #expect(store.openReport.discardedUnfinished.allSatisfy { $0 == later.address })
        #expect(try store.list().contains { $0.address == settled.address })
        store.close()
    }

    @Test("with a volume missing the check waits for a later open and deletes nothing")
    func missingVolumeDefersTheCheck() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path, pipelined: false)
        let object = try putRandomObjects(store, sizes: [60_000], firstSeed: 5)[0]
        store.close()
        let withoutCopy = try volumesWithoutManifest(path, object.address)
        for number in withoutCopy.prefix(2) { try wipeVolume(path, number) }
        try FileManager.default.removeItem(atPath: ObjectStore.volumePath(path, withoutCopy[2]))

        store = try openStore(path, pipelined: false)
        #expect(store.openReport.isUnsettledCheckDeferred)
        #expect(store.openReport.discardedUnfinished.isEmpty)
        #expect(try store.list().contains { $0.address == object.address })
        store.close()
    }
}
