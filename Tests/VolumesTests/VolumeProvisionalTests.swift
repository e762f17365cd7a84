// Goal: a volume's settled mark never passes a provisional record its writer has not settled, so recovery checks
// every such record after a crash, and it moves past them once settled. Method: real temp directories, PosixDisk,
// reopening the volume (the same as after a crash, since the mark is read from the index).
import Foundation
import Posix
import Primitives
import TestSupport
import Testing
import Volumes

@Suite struct VolumeProvisionalTests {
    @Test("a committed provisional record stays at or after the mark until settled and committed past")
    func markWaitsForSettle() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        let before = try appendRecord(volume, 1)
        try volume.commit([before])
        let mine = try appendRecord(volume, 2, kind: .manifest, isProvisional: true)
        let theirs = try appendRecord(volume, 3)
        try volume.commit([mine, theirs])
        volume.close()

        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.unsettledFrom == mine.location)
        // Reopening forgets the in-memory provisional list: the mark stays where the index has it until a commit.
        let later = try appendRecord(volume, 4)
        try volume.commit([later])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.unsettledFrom > later.location)
        #expect(try readRecord(volume, 2) == TestBytes.random(count: 1000, seed: 2))
    }

    @Test("settling lets the next commit move the mark past the record; an unsettled one holds it back")
    func settleMovesTheMark() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        let settled = try appendRecord(volume, 1, kind: .manifest, isProvisional: true)
        let unsettled = try appendRecord(volume, 2, kind: .manifest, isProvisional: true)
        try volume.commit([settled, unsettled])
        volume.settle([settled])
        try volume.commit([try appendRecord(volume, 3)])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.unsettledFrom == unsettled.location)

        let next = try appendRecord(volume, 4, kind: .manifest, isProvisional: true)
        try volume.commit([next])
        volume.settle([next])
        let last = try appendRecord(volume, 5)
        try volume.commit([last])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.unsettledFrom > last.location)
    }

    @Test("a discarded provisional record no longer holds the mark back")
    func discardReleasesTheMark() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        let dropped = try appendRecord(volume, 1, kind: .manifest, isProvisional: true)
        #expect(volume.discard([dropped]))
        let kept = try appendRecord(volume, 2)
        try volume.commit([kept])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.unsettledFrom > kept.location)
        #expect(try readRecord(volume, 1) == nil)
    }

    @Test("a rebuilt index settles nothing: every record is checked again")
    func rebuiltIndexStartsUnsettled() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        try appendRecords(volume, count: 3)
        try appendRecords(volume, count: 3, first: 10)
        volume.close()
        for suffix in ["", "-wal", "-shm"] { unlink(path + "/index.sqlite" + suffix) }
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.rebuiltIndex)
        #expect(volume.unsettledFrom == RecordLocation(segment: 0, offset: 0))
    }

    @Test("records past the index after a crash are at or after the mark")
    func tailPastTheIndexIsUnsettled() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        try appendRecords(volume, count: 2)
        let tail = try appendRecord(volume, 7, kind: .manifest, isProvisional: true)
        volume.close()  // appended, never committed: the next open indexes it from the segment
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.reindexedRecords == 1)
        #expect(volume.unsettledFrom <= tail.location)
    }
}
