// Goal: a writer learns from the volume itself whether its own records are durable, and its take-back never cuts
// off records some commit took. Method: two writers on one volume, interleaved by hand on one thread; fdatasync
// failures from FaultInjectingDisk; reopen to check what is on disk.
import Posix
import Primitives
import TestSupport
import Testing
import Volumes

/// Appends test record `number` (seeded payload) and returns its ticket.
private func appendRecord(_ volume: Volume, _ number: UInt64) throws -> AppendTicket {
    try TestBytes.random(count: 1000, seed: number).withUnsafeBytes {
        try volume.append(testHeader(number), payload: $0)
    }
}

@Suite struct VolumeCommitTests {
    @Test("a discard of records another writer's commit took cuts nothing off; they stay as garbage")
    func discardAfterForeignCommit() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk())
        let mine = [try appendRecord(volume, 1), try appendRecord(volume, 2)]
        let theirs = try appendRecord(volume, 3)
        try volume.commit([theirs])  // a group commit: takes and makes durable the records 1 and 2 too
        #expect(!volume.discard(mine))
        let after = try appendRecord(volume, 4)
        try volume.commit([after])
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk())
        #expect(volume.openReport.truncatedBytes == 0)
        for number in 1...4 as ClosedRange<UInt64> {
            #expect(try readRecord(volume, number) == TestBytes.random(count: 1000, seed: number))
        }
    }

    @Test("a discard of the newest untaken records cuts them off; one with a later writer's record after it does not")
    func discardUntaken() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk())
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
        volume = try Volume.open(path: path, disk: PosixDisk())
        #expect(try readRecord(volume, 10) == nil && readRecord(volume, 11) == nil)
        #expect(try readRecord(volume, 20) == TestBytes.random(count: 1000, seed: 20))
        #expect(try readRecord(volume, 21) == TestBytes.random(count: 1000, seed: 21))
    }

    @Test("a failed commit by another writer that took our records fails our commit, naming the record")
    func foreignCommitFailure() throws {
        let directory = TemporaryDirectory()
        let faulty = FaultInjectingDisk()
        let volume = try Volume.open(path: directory.appending("v"), disk: faulty)
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
        let volume = try Volume.open(path: directory.appending("v"), disk: faulty)
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
        var volume = try Volume.open(path: path, disk: PosixDisk())
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
        volume = try Volume.open(path: path, disk: PosixDisk())
        #expect(volume.openReport.truncatedBytes == 0)
        #expect(try readRecord(volume, 30) == nil && readRecord(volume, 31) == nil)
        #expect(try readRecord(volume, 32) == TestBytes.random(count: 1000, seed: 32))
    }

    @Test("synchronized records are durable but unindexed and discardable until a commit indexes them")
    func synchronizeLeavesRecordsPending() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: PosixDisk())
        let committedBytes = try volume.statistics().totalBytes
        let dropped = [try appendRecord(volume, 40)]
        try volume.synchronize(dropped)
        #expect(try readRecord(volume, 40) == nil, "synchronized is not indexed")
        #expect(volume.discard(dropped))
        #expect(try volume.statistics().totalBytes == committedBytes)
        let kept = [try appendRecord(volume, 41), try appendRecord(volume, 42)]
        try volume.synchronize(kept)
        let manifest = try appendRecord(volume, 43)
        try volume.commit(kept + [manifest])
        #expect(try readRecord(volume, 41) == TestBytes.random(count: 1000, seed: 41))
        volume.close()
        volume = try Volume.open(path: path, disk: PosixDisk())
        for number in 41...43 as ClosedRange<UInt64> {
            #expect(try readRecord(volume, number) == TestBytes.random(count: 1000, seed: number))
        }
    }

    @Test("a failed synchronize fails the next commit of its records, even when the drive answers again")
    func failedSynchronizePoisonsTheNextCommit() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        let disk = FaultInjectingDisk()
        let volume = try Volume.open(path: path, disk: disk)
        let mine = try appendRecord(volume, 50)
        disk.syncFailure.isOn = true
        #expect(throws: VolumeError.self) { try volume.synchronize([mine]) }
        disk.syncFailure.isOn = false
        // Linux may report the lost writeback to the failed fdatasync only: the commit must not trust its own.
        #expect(throws: VolumeError.self) { try volume.commit([mine]) }
        let later = try appendRecord(volume, 51)
        try volume.commit([later])
        #expect(try readRecord(volume, 51) == TestBytes.random(count: 1000, seed: 51))
    }

    @Test("a synchronize of records an earlier one made durable needs no fdatasync; newer records do")
    func synchronizeIsGroupCommitted() throws {
        let directory = TemporaryDirectory()
        let disk = FaultInjectingDisk()
        let volume = try Volume.open(path: directory.appending("v"), disk: disk)
        let theirs = try appendRecord(volume, 60)
        let mine = try appendRecord(volume, 61)
        try volume.synchronize([theirs])  // one fdatasync covers both writers' records
        disk.syncFailure.isOn = true
        try volume.synchronize([mine])  // would fail if it called fdatasync
        let later = try appendRecord(volume, 62)
        #expect(throws: VolumeError.self) { try volume.synchronize([later]) }
        disk.syncFailure.isOn = false
    }
}
