// Goal: a writer learns from the volume itself whether its own records are durable, and its take-back never cuts
// off records some commit took. Method: two writers on one volume, interleaved by hand on one thread; fdatasync
// failures from FaultInjectingDisk; reopen to check what is on disk.
import Posix
import Primitives
import TestSupport
import Testing
import Volumes

@Suite struct VolumeCommitTests {
    @Test("a discard of records another writer's commit took cuts nothing off; they stay as garbage")
    func discardAfterForeignCommit() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        let mine = [try appendRecord(volume, 1), try appendRecord(volume, 2)]
        let theirs = try appendRecord(volume, 3)
        try volume.commit([theirs])  // a group commit: takes and makes durable the records 1 and 2 too
        #expect(!volume.discard(mine))
        let after = try appendRecord(volume, 4)
        try volume.commit([after])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.truncatedBytes == 0)
        for number in 1...4 as ClosedRange<UInt64> {
            #expect(try readRecord(volume, number) == TestBytes.random(count: 1000, seed: number))
        }
    }

    @Test("a discard of the newest untaken records cuts them off; one with a later writer's record after it does not")
    func discardUntaken() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        try appendRecords(volume, count: 2)
        let committedBytes = try volume.statistics().totalBytes
        let mine = [try appendRecord(volume, 10), try appendRecord(volume, 11)]
        #expect(volume.discard(mine))
        #expect(try volume.statistics().totalBytes == committedBytes)
        let early = try appendRecord(volume, 20)
        let late = try appendRecord(volume, 21)
        #expect(!volume.discard([early]))
        try volume.commit([late])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(try readRecord(volume, 10) == nil && readRecord(volume, 11) == nil)
        #expect(try readRecord(volume, 20) == TestBytes.random(count: 1000, seed: 20))
        #expect(try readRecord(volume, 21) == TestBytes.random(count: 1000, seed: 21))
    }

    @Test("a failed commit by another writer that took our records fails our commit, naming the record")
    func foreignCommitFailure() throws {
        let directory = TemporaryDirectory()
        let faulty = FaultInjectingDisk()
        let volume = try Volume.open(path: directory.appending("v"), disk: faulty, random: SeededRandomSource(seed: 1))
        let mine = try appendRecord(volume, 1)
        faulty.syncFailure.isOn = true
        let theirs = try appendRecord(volume, 2)
        #expect(throws: VolumeError.self) { try volume.commit([theirs]) }
        faulty.syncFailure.isOn = false
        // Nothing is pending any more: before the fix this commit found nothing to do and reported success.
        let error = #expect(throws: VolumeError.self) { try volume.commit([mine]) }
        guard case .commitFailed(let location) = error?.code else {
            Issue.record("expected commitFailed, got \(String(describing: error))")
            return
        }
        #expect(location == mine.location)
        #expect(!volume.discard([mine]))
        #expect(throws: VolumeError.self) { try volume.commit([mine]) }  // still not durable when asked again
        let later = try appendRecord(volume, 3)
        try volume.commit([later])
        #expect(try readRecord(volume, 3) == TestBytes.random(count: 1000, seed: 3))
        #expect(try readRecord(volume, 1) == nil)
    }

    @Test("records a failed commit took stay lost even when later commits succeed in between")
    func lostAcrossLaterCommits() throws {
        let directory = TemporaryDirectory()
        let faulty = FaultInjectingDisk()
        let volume = try Volume.open(path: directory.appending("v"), disk: faulty, random: SeededRandomSource(seed: 1))
        let first = try appendRecord(volume, 1)
        faulty.syncFailure.isOn = true
        #expect(throws: VolumeError.self) { try volume.commit([]) }
        faulty.syncFailure.isOn = false
        let second = try appendRecord(volume, 2)
        try volume.commit([second])
        faulty.syncFailure.isOn = true
        let third = try appendRecord(volume, 3)
        #expect(throws: VolumeError.self) { try volume.commit([]) }
        faulty.syncFailure.isOn = false
        #expect(throws: VolumeError.self) { try volume.commit([first]) }
        try volume.commit([second])
        #expect(throws: VolumeError.self) { try volume.commit([third]) }
    }

    @Test("records written back early stay invisible and discardable until a commit; committed, they survive reopen")
    func writebackTakesNothing() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        try appendRecords(volume, count: 2)
        let committedBytes = try volume.statistics().totalBytes
        let dropped = [try appendRecord(volume, 30), try appendRecord(volume, 31)]
        volume.startWriteback()
        #expect(try readRecord(volume, 30) == nil, "written back is not committed")
        #expect(volume.discard(dropped))
        #expect(try volume.statistics().totalBytes == committedBytes)
        let kept = try appendRecord(volume, 32)
        volume.startWriteback()
        try volume.commit([kept])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk(), random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.truncatedBytes == 0)
        #expect(try readRecord(volume, 30) == nil && readRecord(volume, 31) == nil)
        #expect(try readRecord(volume, 32) == TestBytes.random(count: 1000, seed: 32))
    }
}
