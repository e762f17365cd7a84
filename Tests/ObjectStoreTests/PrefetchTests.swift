// Goal: asking the drives ahead for an object names exactly the records a read of it takes (the data shards, or
// the copy read first), and a multi-object get asks ahead while it delivers the same bytes, its threads joined
// however it ends. Method: a disk that records every prefetch by file and offset, compared with the store's index.
import Foundation
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing

@testable import ObjectStore
@testable import Volumes

/// PosixDisk that records which records were asked for, as (file path, offset).
private struct PrefetchRecordingDisk: ForwardingDisk {
    /// What was asked for, shared by the copies of the disk the store keeps.
    final class Log: Sendable {
        let asked = Mutex<Set<String>>([])
        let paths = Mutex<[Int32: String]>([:])
    }

    let inner = PosixDisk()
    let log = Log()

    func open(_ path: String, mode: DiskOpenMode) throws(SystemError) -> DiskFile {
        let file = try inner.open(path, mode: mode)
        log.paths.withLock { $0[file.descriptor] = path }
        return file
    }

    func prefetch(_ file: DiskFile, at offset: Int64, length: Int64) {
        inner.prefetch(file, at: offset, length: length)
        let path = log.paths.withLock { $0[file.descriptor] ?? "?" }
        _ = log.asked.withLock { $0.insert("\(path)@\(offset)") }
    }
}

@Suite(.serialized) struct PrefetchTests {
    @Test("asking for an object names exactly the records a read takes: its data shards, or its first copy")
    func asksForWhatItReads() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let sizes = (0..<6).map { $0 == 4 ? 100 : 3_000 + $0 * 500 }
        let objects = try putRandomObjects(store, sizes: sizes, firstSeed: 70)
        store.close()
        for object in objects {
            let disk = PrefetchRecordingDisk()
            store = try openStore(path, disk: disk)
            defer { store.close() }
            store.prefetchObject(object.address)
            var expected = Set<String>()
            for entry in try store.manifest(object.address).entries {
                let records = try store.locate(entry.address).filter { $0.entry.header.kind != .manifest }
                let first = try #require(records.first)
                let read =
                    first.entry.header.kind == .copy
                    ? [first]
                    : records.filter { $0.entry.header.shardIndex < $0.entry.header.dataShardCount }
                for (volume, record) in read {
                    let segment = Volume.segmentPath(volume.path, record.location.segment)
                    expected.insert(segment + "@\(record.location.offset)")
                }
            }
            #expect(!expected.isEmpty && disk.log.asked.withLock { $0 } == expected)
        }
    }

    @Test("a multi-object get asks ahead while it reads, and delivers the same bytes")
    func asksWhileReading() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("data")
        var store = try openStore(path)
        let objects = try putRandomObjects(store, sizes: (0..<60).map { 2_000 + $0 * 100 }, firstSeed: 80)
        store.close()
        let disk = PrefetchRecordingDisk()
        store = try openStore(path, disk: disk)
        var sink = RecordingSink()
        try store.get(objects.map(\.address), into: &sink)
        #expect(sink.objects == objects.map(\.bytes))
        #expect(store.prefetchThreadCount == 0)
        #expect(!disk.log.asked.withLock { $0 }.isEmpty)
    }

    @Test("the asking thread is joined when the sink fails part way")
    func joinedOnFailure() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"))
        let addresses = try putRandomObjects(store, sizes: Array(repeating: 4_000, count: 30), firstSeed: 90).map(
            \.address)
        var sink = RecordingSink(failAfterWrites: 3)
        #expect(throws: RecordingSink.Failure.self) { try store.get(addresses, into: &sink) }
        #expect(store.prefetchThreadCount == 0)
    }
}
