// One volume: a directory (meant to be one drive) of append-only segment files and the SQLite index that caches
// where each record is. Owns open, recovery, append, group commit and verified reads; maintenance is in
// Volume+Maintenance.swift.
import Coding
public import Primitives
import SQLite
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A volume's identity, random at format time and kept in the volume, so it survives being moved between nodes.
public struct VolumeID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    /// Wraps an identifier.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { HexText.padded(rawValue, digits: 16) }
}

/// Settings of a volume.
public struct VolumeOptions: Sendable {
    /// A segment is sealed and a new one started once it would grow past this.
    public var segmentBytesMax: Int64

    /// Makes options; segments default to 1 GiB.
    public init(segmentBytesMax: Int64 = 1 << 30) {
        precondition(segmentBytesMax >= Int64(RecordHeader.byteCount), "segments must hold at least a header")
        self.segmentBytesMax = segmentBytesMax
    }
}

/// What opening a volume had to repair.
public struct VolumeOpenReport: Sendable {
    /// Whether the volume was formatted just now.
    public var wasFormatted = false
    /// Whether the index was missing or damaged and rebuilt from the segments.
    public var rebuiltIndex = false
    /// Records found past the index and indexed.
    public var reindexedRecords = 0
    /// Bytes of torn tail cut off the last segment.
    public var truncatedBytes: Int64 = 0
    /// Bytes of damaged records stepped over.
    public var skippedBytes: Int64 = 0
}

/// An open volume, safe to use from several threads at once.
public final class Volume: Sendable {
    /// The volume's identity.
    public let id: VolumeID
    /// The volume's directory.
    public let path: String
    /// What opening had to repair.
    public let openReport: VolumeOpenReport
    /// Records at or after this location may be provisional ones whose writer never settled them (a crash came
    /// first): their writer's store checks them when it opens (Volume+Provisional.swift).
    public let unsettledFrom: RecordLocation
    let disk: any DiskIO
    let options: VolumeOptions
    let index: Mutex<VolumeIndex>
    let appendState: Mutex<AppendState>
    let segmentFiles: Mutex<[UInt32: DiskFile]>
    /// Serialises commits, so concurrent callers share one fdatasync (group commit), and remembers which appends
    /// were taken by commits that failed.
    let commitLock = Mutex(CommitLog())

    /// Where appends go, and what has been appended but not yet taken by a commit.
    struct AppendState {
        var segment: UInt32
        var file: DiskFile
        var offset: Int64
        /// Records appended and not yet taken by a commit, in append order.
        var pending: [PendingRecord] = []
        var unsynced: Set<UInt32> = []
        /// Provisional records not yet settled by their writer, in append order (Volume+Provisional.swift).
        var provisional: [AppendTicket] = []
        /// Appends so far: the sequence number of the next ticket.
        var appendCount: UInt64 = 0
        /// Appends with a lower sequence number have been taken by a commit (or discarded).
        var takenCount: UInt64 = 0
        var isClosed = false
    }

    /// A record appended and not yet taken by a commit.
    struct PendingRecord {
        let entry: IndexEntry
        let ticket: AppendTicket
    }

    init(
        id: VolumeID, path: String, disk: any DiskIO, options: VolumeOptions, index: sending VolumeIndex,
        files: [UInt32: DiskFile], active: AppendState, report: VolumeOpenReport, unsettledFrom: RecordLocation
    ) {
        self.id = id
        self.unsettledFrom = unsettledFrom
        self.path = path
        self.disk = disk
        self.options = options
        self.index = Mutex(index)
        self.segmentFiles = Mutex(files)
        self.appendState = Mutex(active)
        self.openReport = report
    }

    static func segmentPath(_ volumePath: String, _ segment: UInt32) -> String {
        let digits = String(segment)
        return volumePath + "/segments/" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".seg"
    }

    // MARK: - Append and commit

    /// Appends a record to the active segment. Not durable, and invisible to `lookup`, until a commit; the ticket
    /// names the record to `commit(_:)` and `discard(_:)`. A provisional record stays unsettled, for recovery to
    /// check, until its writer settles it (Volume+Provisional.swift).
    public func append(_ header: RecordHeader, payload: UnsafeRawBufferPointer, isProvisional: Bool = false)
        throws(VolumeError) -> AppendTicket
    {
        precondition(payload.count <= RecordHeader.payloadBytesMax, "record payload over the limit")
        var framed = header
        framed.payloadLength = UInt32(payload.count)
        framed.payloadCRC32C = CRC32C.checksum(payload)
        let headerBytes = framed.encoded()
        let recordBytes = Int64(headerBytes.count + payload.count)
        do {
            return try appendState.withLock { state throws -> AppendTicket in
                guard !state.isClosed else {
                    throw SystemError(errno: Errno.EBADF, operation: "append to a closed volume")
                }
                if state.offset > 0 && state.offset + recordBytes > options.segmentBytesMax { try roll(&state) }
                let location = RecordLocation(segment: state.segment, offset: state.offset)
                do {
                    try headerBytes.withUnsafeBytes { try disk.write(state.file, at: state.offset, from: $0) }
                    try disk.write(state.file, at: state.offset + Int64(headerBytes.count), from: payload)
                } catch {
                    // Leave no partial record behind: cut back to the last whole one.
                    try? disk.truncate(state.file, to: state.offset)
                    throw error
                }
                let ticket = AppendTicket(location: location, sequence: state.appendCount)
                state.appendCount += 1
                state.offset += recordBytes
                state.pending.append(
                    PendingRecord(entry: IndexEntry(header: framed, location: location), ticket: ticket))
                state.unsynced.insert(state.segment)
                if isProvisional { state.provisional.append(ticket) }
                return ticket
            }
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// Seals the active segment and starts the next one.
    private func roll(_ state: inout AppendState) throws {
        let next = state.segment + 1
        let file = try disk.open(Self.segmentPath(path, next), mode: .readWriteCreate)
        try disk.synchronizeDirectory(path + "/segments")
        segmentFiles.withLock { $0[next] = file }
        state.segment = next
        state.file = file
        state.offset = 0
    }

    /// Takes back the records of `tickets` when no commit has taken any of them and they are the newest records on
    /// the volume: the segment is cut back to where they started and they are forgotten. Returns false, changing
    /// nothing, when another writer appended after them or a commit (another writer's group commit, even a failed
    /// one) took them: they then stay as garbage for the sweep, since a commit that took them may have made them
    /// durable and visible, and another writer may already rely on them. Used when a put fails, so a full disk
    /// gets its space back at once.
    public func discard(_ tickets: [AppendTicket]) -> Bool {
        guard let first = tickets.map(\.location).min() else { return true }
        let mine = Set(tickets)
        return appendState.withLock { state in
            let later = state.pending.filter { $0.entry.location >= first }
            guard first.segment == state.segment, later.count == mine.count,
                later.allSatisfy({ mine.contains($0.ticket) })
            else { return false }
            guard (try? disk.truncate(state.file, to: first.offset)) != nil else { return false }
            state.pending.removeAll { $0.entry.location >= first }
            state.offset = first.offset
            state.provisional.removeAll { $0.location >= first }
            return true
        }
    }

    /// Group commit: makes every record appended so far durable and indexed with one fdatasync per touched
    /// segment, and returns only if the records of `tickets` are durable.
    ///
    /// Throws when this commit fails, and also when an earlier commit (another writer's group commit) took any of
    /// `tickets` and failed: those records were never made durable, so their writer MUST NOT acknowledge them.
    /// Nothing is reported durable before its fdatasync succeeded.
    public func commit(_ tickets: [AppendTicket]) throws(VolumeError) {
        do {
            try commitLock.withLock { log throws in
                let (batch, unsynced, taken, firstProvisional) = appendState.withLock { state in
                    defer {
                        state.pending = []
                        state.unsynced = []
                        state.takenCount = state.appendCount
                    }
                    return (
                        state.pending.map(\.entry), state.unsynced, state.takenCount..<state.appendCount,
                        state.provisional.first?.location
                    )
                }
                if let last = batch.last {
                    do {
                        try synchronize(segments: unsynced)
                        let end = RecordLocation(
                            segment: last.location.segment, offset: last.location.offset + last.recordBytes)
                        let settled = firstProvisional.map { min($0, end) } ?? end
                        try index.withLock { try $0.apply(batch, end: end, settled: settled) }
                    } catch {
                        log.recordFailure(taken)
                        throw error
                    }
                }
                if let lost = tickets.first(where: { log.isLost($0) }) {
                    throw VolumeError(.commitFailed(lost.location), path: path)
                }
            }
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// The open files of `segments`.
    func files(of segments: Set<UInt32>) -> [DiskFile] {
        segmentFiles.withLock { files in segments.compactMap { files[$0] } }
    }

    /// fdatasyncs the files of `segments`, one after another.
    func synchronize(segments: Set<UInt32>) throws {
        for file in files(of: segments) { try disk.synchronize(file) }
    }

    // MARK: - Reads

    /// The committed live entries for `key`: every kind and shard.
    public func lookup(_ key: ChunkAddress) throws(VolumeError) -> [IndexEntry] {
        do {
            return try index.withLock { try $0.lookup(key) }
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// Asks the drive to start reading the record of `entry` (header and payload) into memory, so a `read` of it
    /// soon after does not wait; returns at once. A hint: problems show up in that read.
    public func prefetch(_ entry: IndexEntry) {
        guard let file = segmentFiles.withLock({ $0[entry.location.segment] }) else { return }
        disk.prefetch(file, at: entry.location.offset, length: entry.recordBytes)
    }

    /// Reads the payload of `entry` into `buffer` (exactly its payload length), verifying both CRCs and that the
    /// header on disk is the one the index expects. Never returns damaged bytes.
    public func read(_ entry: IndexEntry, into buffer: UnsafeMutableRawBufferPointer) throws(VolumeError) {
        precondition(buffer.count == Int(entry.header.payloadLength), "read buffer must match the payload length")
        let damaged = VolumeError(.corruptRecord(entry.location), path: path)
        guard let file = segmentFiles.withLock({ $0[entry.location.segment] }) else { throw damaged }
        var headerBytes = [UInt8](repeating: 0, count: RecordHeader.byteCount)
        do {
            let headerCount = try headerBytes.withUnsafeMutableBytes {
                try disk.read(file, at: entry.location.offset, into: $0)
            }
            let payloadCount = try disk.read(
                file, at: entry.location.offset + Int64(RecordHeader.byteCount), into: buffer)
            guard headerCount == RecordHeader.byteCount, payloadCount == buffer.count,
                let header = RecordHeader.decode(headerBytes), header == entry.header,
                CRC32C.checksum(UnsafeRawBufferPointer(buffer)) == header.payloadCRC32C
            else { throw damaged }
        } catch let error as SystemError where error.errno == Errno.EIO {
            throw damaged  // EIO: the drive could not read the sector; treat the record as damaged.
        } catch {
            throw Self.volumeError(error, path: path)
        }
    }

    /// Reads the payload of `entry`, verified.
    public func read(_ entry: IndexEntry) throws(VolumeError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(entry.header.payloadLength))
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(VolumeError) in try read(entry, into: buffer) }
        }
        try result.get()
        return bytes
    }

    /// Closes every file. Later calls fail.
    public func close() {
        appendState.withLock { $0.isClosed = true }
        let files = segmentFiles.withLock { files in
            defer { files = [:] }
            return Array(files.values)
        }
        for file in files { disk.close(file) }
    }

    /// Maps any error from the layers below to a VolumeError naming this volume.
    static func volumeError(_ error: any Error, path: String) -> VolumeError {
        switch error {
        case let error as VolumeError: error
        case let error as SystemError: VolumeError.system(error, path: path)
        case let error as SQLiteError:
            error.isFull ? VolumeError(.diskFull, path: path) : VolumeError(.index(error), path: path)
        default: VolumeError(.io(SystemError(errno: Errno.EIO, operation: "\(error)", path: path)), path: path)
        }
    }
}
