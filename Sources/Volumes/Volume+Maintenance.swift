// Volume upkeep: walking every entry (scrubber, mark-and-sweep), forgetting swept records, compacting segments
// whose records are mostly dead, and statistics for operators.
import Primitives
import Synchronization

/// What a compaction reclaimed.
public struct CompactionReport: Sendable {
    /// Segment files rewritten and removed.
    public var segmentsRemoved = 0
    /// Live records copied forward.
    public var recordsMoved = 0
    /// Bytes of segment files freed.
    public var bytesFreed: Int64 = 0
}

/// Sizes of a volume.
public struct VolumeStatistics: Sendable {
    /// Live records in the index.
    public var recordCount = 0
    /// Bytes of live records, headers included.
    public var liveBytes: Int64 = 0
    /// Bytes of all segment files.
    public var totalBytes: Int64 = 0
    /// Segment files.
    public var segmentCount = 0
}

extension Volume {
    /// Entries fetched from the index per page, bounding memory while walking a large volume.
    static let pageCountMax = 1024

    /// Calls `body` for every live committed entry in location order, a page at a time; with `start`, only for
    /// those at or after it.
    public func forEachEntry(from start: RecordLocation? = nil, _ body: (IndexEntry) throws -> Void) throws {
        var after = RecordLocation(segment: start?.segment ?? 0, offset: (start?.offset ?? 0) - 1)
        while true {
            let page = try index.withLock { try $0.entries(after: after, limit: Self.pageCountMax) }
            for entry in page { try body(entry) }
            guard let last = page.last, page.count == Self.pageCountMax else { return }
            after = last.location
        }
    }

    /// Drops entries from the index; their bytes become dead space that compaction reclaims.
    public func forget(_ entries: [IndexEntry]) throws(VolumeError) {
        do {
            try index.withLock { try $0.remove(entries) }
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// Sizes of this volume.
    public func statistics() throws(VolumeError) -> VolumeStatistics {
        do {
            var statistics = VolumeStatistics()
            let live = try index.withLock { try $0.liveBytesBySegment() }
            for value in live.values {
                statistics.liveBytes += value.bytes
                statistics.recordCount += value.records
            }
            let files = segmentFiles.withLock { $0 }
            statistics.segmentCount = files.count
            for file in files.values { statistics.totalBytes += try disk.size(of: file) }
            return statistics
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// Rewrites every sealed segment whose dead fraction is at least `deadFractionMin`: its live records are
    /// appended to the active segment and committed, then the old file is removed.
    public func compact(deadFractionMin: Double) throws(VolumeError) -> CompactionReport {
        do {
            var report = CompactionReport()
            let active = appendState.withLock { $0.segment }
            let live = try index.withLock { try $0.liveBytesBySegment() }
            let files = segmentFiles.withLock { $0 }
            for (segment, file) in files.sorted(by: { $0.key < $1.key }) where segment < active {
                let size = try disk.size(of: file)
                let liveBytes = live[segment]?.bytes ?? 0
                guard size > 0, Double(size - liveBytes) / Double(size) >= deadFractionMin else { continue }
                report.recordsMoved += try moveLiveRecords(of: segment)
                segmentFiles.withLock { _ = $0.removeValue(forKey: segment) }
                disk.close(file)
                try disk.removeFile(Self.segmentPath(path, segment))
                try disk.synchronizeDirectory(path + "/segments")
                report.segmentsRemoved += 1
                report.bytesFreed += size - liveBytes
            }
            return report
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// Copies the live records of `segment` to the active segment and commits; the index then points at the
    /// copies. Returns how many records moved.
    private func moveLiveRecords(of segment: UInt32) throws -> Int {
        var moved = 0
        var after = RecordLocation(segment: segment, offset: -1)
        while true {
            let page = try index.withLock { try $0.entries(after: after, limit: Self.pageCountMax) }
                .filter { $0.location.segment == segment }
            var tickets: [AppendTicket] = []
            for entry in page {
                let payload = try read(entry)
                var header = entry.header
                header.payloadLength = 0
                header.payloadCRC32C = 0
                tickets.append(try payload.withUnsafeBytes { try append(header, payload: $0) })
                moved += 1
            }
            try commit(tickets)
            guard let last = page.last, page.count == Self.pageCountMax else { return moved }
            after = last.location
        }
    }
}

extension Volume {
    /// An index file larger than this is not asked for whole: its pages would crowd out the records themselves.
    public static let indexPrefetchBytesMax: Int64 = 64 << 20

    /// Asks the drive to read this volume's index (the SQLite file and its write-ahead log) into memory now, when it
    /// is at most `indexPrefetchBytesMax` long; returns at once. A read of many records then finds the index pages it
    /// looks up in memory, instead of waiting for one random read of the drive per lookup. A hint: it reports nothing.
    public func prefetchIndex() {
        for suffix in ["", "-wal"] {
            guard let file = try? disk.open(path + "/index.sqlite" + suffix, mode: .readOnly) else { continue }
            defer { disk.close(file) }
            if let size = try? disk.size(of: file), size > 0, size <= Self.indexPrefetchBytesMax {
                disk.prefetch(file, at: 0, length: size)
            }
        }
    }
}
