// Opening a volume: format an empty directory, check its identity, open or rebuild the index, re-index records
// written after it, and cut a torn tail off the last segment (DESIGN.md: the index is only a cache).
public import Primitives
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The identity file of a volume, `volume.json`.
struct VolumeIdentity: Codable {
    /// The volume layout version.
    static let currentFormat = 1
    /// Largest identity file we read.
    static let fileBytesMax = 4096

    let format: Int
    let id: String
}

extension Volume {
    /// Opens the volume at `path`, formatting the directory if it is missing or empty, and repairing what a crash
    /// left: records past the index are indexed, a torn tail is cut, a lost or damaged index is rebuilt.
    ///
    /// A volume being formatted draws its id from `random` (the node's injected source, seeded in the simulator);
    /// an existing volume keeps the id in its volume.json and draws nothing.
    public static func open(
        path: String, disk: some DiskIO, random: some RandomSource, options: VolumeOptions = .init()
    ) throws(VolumeError) -> Volume {
        do {
            return try openChecked(path: path, disk: disk, random: random, options: options)
        } catch {
            throw volumeError(error, path: path)
        }
    }

    private static func openChecked(
        path: String, disk: some DiskIO, random: some RandomSource, options: VolumeOptions
    ) throws -> Volume {
        var report = VolumeOpenReport()
        let id = try identity(path: path, disk: disk, random: random, report: &report)
        let segmentsPath = path + "/segments"
        var numbers = try disk.listDirectory(segmentsPath).compactMap { name -> UInt32? in
            name.hasSuffix(".seg") ? UInt32(name.dropLast(4)) : nil
        }.sorted()
        if numbers.isEmpty {
            let file = try disk.open(segmentPath(path, 1), mode: .readWriteCreate)
            disk.close(file)
            try disk.synchronizeDirectory(segmentsPath)
            numbers = [1]
        }
        var files: [UInt32: DiskFile] = [:]
        for number in numbers { files[number] = try disk.open(segmentPath(path, number), mode: .readWrite) }
        var index = try openIndex(path: path, disk: disk, report: &report)
        var highWater = try index.highWater()
        var unsettledFrom = try index.settledMark()
        if highWater.segment != 0 {
            let indexedSize = try files[highWater.segment].map { file throws in try disk.size(of: file) } ?? -1
            if indexedSize < highWater.offset {
                index = try recreateIndex(path: path, disk: disk)
                report.rebuiltIndex = true
                highWater = RecordLocation(segment: 0, offset: 0)
                unsettledFrom = highWater
            }
        }
        for number in numbers where number >= highWater.segment {
            let file = files[number]!
            let size = try disk.size(of: file)
            let start = number == highWater.segment ? highWater.offset : 0
            let scan = try SegmentScan.scan(disk: disk, file: file, segment: number, from: start, length: size)
            if !scan.entries.isEmpty {
                try index.apply(scan.entries, end: RecordLocation(segment: number, offset: scan.validEnd))
            }
            report.reindexedRecords += scan.entries.count
            report.skippedBytes += scan.skippedBytes
            if scan.validEnd < size {
                if number == numbers.last {
                    try disk.truncate(file, to: scan.validEnd)
                    try disk.synchronize(file)
                    report.truncatedBytes += size - scan.validEnd
                } else {
                    report.skippedBytes += size - scan.validEnd
                }
            }
        }
        let last = numbers.last!
        let active = AppendState(segment: last, file: files[last]!, offset: try disk.size(of: files[last]!))
        return Volume(
            id: id, path: path, disk: disk, options: options, index: index, files: files, active: active,
            report: report, unsettledFrom: unsettledFrom)
    }

    /// Reads the identity file, formatting the volume first when the directory is missing or empty.
    private static func identity(
        path: String, disk: some DiskIO, random: some RandomSource, report: inout VolumeOpenReport
    ) throws -> VolumeID {
        let identityPath = path + "/volume.json"
        if !disk.exists(identityPath) {
            if disk.exists(path + "/segments"), !(try disk.listDirectory(path + "/segments")).isEmpty {
                throw VolumeError(
                    .badIdentity("segments exist but volume.json is missing; refusing to format over them"),
                    path: path)
            }
            try disk.makeDirectory(path + "/segments")
            let fresh = VolumeID(rawValue: random.next())
            // Sorted keys: the same id writes the same bytes in every process (a simulated disk compares bytes).
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let bytes = try encoder.encode(VolumeIdentity(format: VolumeIdentity.currentFormat, id: fresh.description))
            try disk.writeWholeFileAtomically(identityPath, bytes: Array(bytes))
            try disk.synchronizeDirectory(path)
            report.wasFormatted = true
        }
        let bytes = try disk.readWholeFile(identityPath, limit: VolumeIdentity.fileBytesMax)
        guard let identity = try? JSONDecoder().decode(VolumeIdentity.self, from: Data(bytes)),
            let raw = UInt64(identity.id, radix: 16)
        else { throw VolumeError(.badIdentity("volume.json is not a volume identity"), path: path) }
        guard identity.format == VolumeIdentity.currentFormat else {
            throw VolumeError(.badIdentity("volume format \(identity.format) is not supported"), path: path)
        }
        return VolumeID(rawValue: raw)
    }

    /// Opens the index, replacing it with an empty one (to be rebuilt from the segments) if it is damaged.
    private static func openIndex(path: String, disk: some DiskIO, report: inout VolumeOpenReport) throws
        -> VolumeIndex
    {
        if !disk.exists(path + "/index.sqlite") {
            // A lost index: a stale write-ahead log must not be replayed into the new one.
            if !report.wasFormatted { report.rebuiltIndex = true }
            return try recreateIndex(path: path, disk: disk)
        }
        do {
            return try VolumeIndex(path: path + "/index.sqlite")
        } catch {
            report.rebuiltIndex = true
            return try recreateIndex(path: path, disk: disk)
        }
    }

    /// Removes the index and its write-ahead files (through `disk`), then makes an empty index to fill from the
    /// segments.
    private static func recreateIndex(path: String, disk: some DiskIO) throws -> VolumeIndex {
        for suffix in ["", "-wal", "-shm"] where disk.exists(path + "/index.sqlite" + suffix) {
            try disk.removeFile(path + "/index.sqlite" + suffix)
        }
        return try VolumeIndex(path: path + "/index.sqlite")
    }
}
