// Goal: a volume keeps every committed record, never serves damaged bytes, and recovers from crashes and lost
// indexes. Method: real temp directories and PosixDisk; damage applied to the files between opens.
import Foundation
import Posix
import Primitives
import TestSupport
import Testing
import Volumes

/// A header for test record `number` of `kind`.
func testHeader(_ number: UInt64, kind: RecordKind = .shard, shard: UInt8 = 0) -> RecordHeader {
    RecordHeader(
        kind: kind, key: ChunkAddress(word0: number, word1: 1, word2: 2, word3: 3), shardIndex: shard,
        dataShardCount: 2, parityShardCount: 1, objectLength: 1000)
}

/// Appends `count` records of seeded bytes and commits; returns their payloads by key word0.
@discardableResult
func appendRecords(_ volume: Volume, count: Int, first: UInt64 = 0, size: Int = 1000) throws -> [UInt64: [UInt8]] {
    var payloads: [UInt64: [UInt8]] = [:]
    var tickets: [AppendTicket] = []
    for number in first..<first + UInt64(count) {
        let payload = TestBytes.random(count: size, seed: number)
        tickets.append(try payload.withUnsafeBytes { try volume.append(testHeader(number), payload: $0) })
        payloads[number] = payload
    }
    try volume.commit(tickets)
    return payloads
}

/// Appends test record `number` of `kind` (1000 seeded bytes), provisional or not, and returns its ticket.
func appendRecord(_ volume: Volume, _ number: UInt64, kind: RecordKind = .shard, isProvisional: Bool = false)
    throws -> AppendTicket
{
    try TestBytes.random(count: 1000, seed: number).withUnsafeBytes {
        try volume.append(testHeader(number, kind: kind), payload: $0, isProvisional: isProvisional)
    }
}

func readRecord(_ volume: Volume, _ number: UInt64) throws -> [UInt8]? {
    guard let entry = try volume.lookup(testHeader(number).key).first else { return nil }
    return try volume.read(entry)
}

func flipByte(in path: String, at offset: UInt64) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: offset)
    let byte = try handle.read(upToCount: 1)![0]
    try handle.seek(toOffset: offset)
    try handle.write(contentsOf: Data([byte ^ 0x40]))
    try handle.close()
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
}

@Suite(.serialized) struct VolumeTests {
    let disk = PosixDisk()

    @Test("records round-trip, survive reopening, and roll over into new segments")
    func roundTrip() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(
            path: path, disk: disk, random: SeededRandomSource(seed: 1), options: VolumeOptions(segmentBytesMax: 10_000)
        )
        #expect(volume.openReport.wasFormatted)
        let payloads = try appendRecords(volume, count: 30)
        let id = volume.id
        volume.close()
        volume = try Volume.open(
            path: path, disk: disk, random: SeededRandomSource(seed: 1), options: VolumeOptions(segmentBytesMax: 10_000)
        )
        #expect(volume.id == id)
        #expect(try volume.statistics().segmentCount > 2)
        for (number, payload) in payloads { #expect(try readRecord(volume, number) == payload) }
    }

    @Test("uncommitted appends are invisible; synced records past the index are re-indexed on open")
    func reindexAfterCrash() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        try appendRecords(volume, count: 3)
        let payload = TestBytes.random(count: 500, seed: 99)
        _ = try payload.withUnsafeBytes { try volume.append(testHeader(99), payload: $0) }
        #expect(try volume.lookup(testHeader(99).key).isEmpty)
        volume.close()  // no commit: as if the process died after the write reached the disk
        volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.reindexedRecords == 1)
        #expect(try readRecord(volume, 99) == payload)
    }

    @Test("a torn tail is cut off, earlier records stay, and new appends work")
    func tornTail() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        let payloads = try appendRecords(volume, count: 5)
        volume.close()
        let segment = path + "/segments/00000001.seg"
        let whole = fileSize(segment)
        truncate(segment, off_t(whole - 300))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(TestBytes.random(count: 100, seed: 7)))
        try handle.close()
        volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.truncatedBytes > 0)
        for number in 0..<4 as Range<UInt64> { #expect(try readRecord(volume, number) == payloads[number]) }
        try appendRecords(volume, count: 2, first: 10)
        #expect(try readRecord(volume, 11) == TestBytes.random(count: 1000, seed: 11))
    }

    @Test("a flipped payload or header byte is never served and is skipped by a rebuild")
    func flippedBytes() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        let payloads = try appendRecords(volume, count: 4)
        let recordBytes = UInt64(RecordHeader.byteCount + 1000)
        let segment = path + "/segments/00000001.seg"
        try flipByte(in: segment, at: recordBytes * 1 + 64 + 500)  // payload of record 1
        try flipByte(in: segment, at: recordBytes * 2 + 40)  // header of record 2
        for number in [1, 2] as [UInt64] {
            #expect { try readRecord(volume, number) } throws: { ($0 as? VolumeError)?.isCorruptRecord == true }
        }
        #expect(try readRecord(volume, 3) == payloads[3])
        volume.close()
        unlink(path + "/index.sqlite")
        volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.rebuiltIndex)
        #expect(try volume.lookup(testHeader(1).key).isEmpty)
        #expect(try readRecord(volume, 0) == payloads[0])
        #expect(try readRecord(volume, 3) == payloads[3])
    }

    @Test("an index replaced by garbage is rebuilt with the same entries", arguments: [0, 1] as [Int])
    func garbageIndex(mode: Int) throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        let payloads = try appendRecords(volume, count: 20)
        volume.close()
        for suffix in ["-wal", "-shm"] { unlink(path + "/index.sqlite" + suffix) }
        if mode == 0 {
            try Data(TestBytes.random(count: 8192, seed: 3)).write(to: URL(fileURLWithPath: path + "/index.sqlite"))
        } else {
            truncate(path + "/index.sqlite", 100)
        }
        volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.rebuiltIndex)
        for (number, payload) in payloads { #expect(try readRecord(volume, number) == payload) }
    }

    @Test("tombstones hide manifests, a manifest written again is live, and compaction reclaims forgotten space")
    func tombstonesAndCompaction() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(
            path: path, disk: disk, random: SeededRandomSource(seed: 1), options: VolumeOptions(segmentBytesMax: 8_000))
        let manifest = testHeader(500, kind: .manifest)
        let first = try [1, 2, 3].withUnsafeBytes { try volume.append(manifest, payload: $0) }
        try volume.commit([first])
        let tombstone = try [].withUnsafeBytes { try volume.append(testHeader(500, kind: .tombstone), payload: $0) }
        try volume.commit([tombstone])
        #expect(try volume.lookup(manifest.key).map(\.header.kind) == [.tombstone])
        let payloads = try appendRecords(volume, count: 40)
        let doomed = try (0..<30 as Range<UInt64>).flatMap { try volume.lookup(testHeader($0).key) }
        try volume.forget(doomed)
        let before = try volume.statistics()
        let report = try volume.compact(deadFractionMin: 0.5)
        let after = try volume.statistics()
        #expect(report.segmentsRemoved > 0 && after.totalBytes < before.totalBytes)
        volume.close()
        volume = try Volume.open(
            path: path, disk: disk, random: SeededRandomSource(seed: 1), options: VolumeOptions(segmentBytesMax: 8_000))
        for number in 30..<40 as Range<UInt64> { #expect(try readRecord(volume, number) == payloads[number]) }
        let again = try [4].withUnsafeBytes { try volume.append(manifest, payload: $0) }
        try volume.commit([again])
        #expect(try volume.lookup(manifest.key).contains { $0.header.kind == .manifest })
    }

    @Test("a full disk fails the append naming the volume and leaves no partial record")
    func diskFull() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        let faulty = FaultInjectingDisk(bytesBudget: 5_000)
        var volume = try Volume.open(path: path, disk: faulty, random: SeededRandomSource(seed: 1))
        let payloads = try appendRecords(volume, count: 3)
        #expect { try appendRecords(volume, count: 5, first: 10) } throws: { error in
            let volumeError = error as? VolumeError
            return volumeError?.isDiskFull == true && "\(volumeError!)".contains(path)
        }
        volume.close()
        volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        #expect(volume.openReport.truncatedBytes == 0)
        for (number, payload) in payloads { #expect(try readRecord(volume, number) == payload) }
    }

    @Test("several threads appending and committing at once lose nothing")
    func concurrentAppends() async throws {
        let directory = TemporaryDirectory()
        let volume = try Volume.open(path: directory.appending("v"), disk: disk, random: SeededRandomSource(seed: 1))
        let results = await withTaskGroup(of: Bool.self) { group in
            for thread in 0..<4 as Range<UInt64> {
                group.addTask {
                    await runOnOwnedThread { (try? appendRecords(volume, count: 25, first: thread * 100)) != nil }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == [true, true, true, true])
        for thread in 0..<4 as Range<UInt64> {
            for number in thread * 100..<thread * 100 + 25 {
                #expect(try readRecord(volume, number) == TestBytes.random(count: 1000, seed: number))
            }
        }
    }

    @Test("random bytes as a segment never crash open", arguments: [1, 2, 3, 4] as [UInt64])
    func hostileSegments(seed: UInt64) throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("v")
        var volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        try appendRecords(volume, count: 5)
        volume.close()
        var random = SeededRandom(seed: seed)
        let segment = path + "/segments/00000001.seg"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: segment)))
        for _ in 0..<20 { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        try Data(TestBytes.random(count: 5000, seed: seed)).write(
            to: URL(fileURLWithPath: path + "/segments/00000002.seg"))
        unlink(path + "/index.sqlite")
        volume = try Volume.open(path: path, disk: disk, random: SeededRandomSource(seed: 1))
        try volume.forEachEntry { entry in _ = try? volume.read(entry) }
    }
}
