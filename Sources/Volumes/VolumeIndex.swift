// The per-volume index: SQLite mapping (key, kind, shard) to the record's location and header fields, plus the
// high-water mark of what has been indexed and the settled mark (Volume+Provisional.swift). Only a cache of the
// segments: it can always be rebuilt from them (a rebuilt index starts with nothing settled).
import Primitives
import SQLite

/// The SQLite index of one volume. Not thread-safe: Volume keeps it behind a Mutex.
final class VolumeIndex {
    private let connection: Connection
    private let insert: Statement
    private let select: Statement
    private let deleteManifests: Statement
    private let deleteOne: Statement
    private let page: Statement
    private let updateHighWater: Statement
    private let updateSettled: Statement

    /// Opens (creating) the index at `path`; throws if the file is not a healthy index.
    init(path: String) throws(SQLiteError) {
        connection = try Connection(path: path)
        try connection.execute(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS records (
                key BLOB NOT NULL, kind INTEGER NOT NULL, shard INTEGER NOT NULL,
                k INTEGER NOT NULL, m INTEGER NOT NULL, object_length INTEGER NOT NULL,
                payload_length INTEGER NOT NULL, payload_crc INTEGER NOT NULL,
                segment INTEGER NOT NULL, offset INTEGER NOT NULL,
                PRIMARY KEY (key, kind, shard)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS records_by_location ON records (segment, offset);
            CREATE TABLE IF NOT EXISTS high_water (id INTEGER PRIMARY KEY CHECK (id = 0),
                segment INTEGER NOT NULL, offset INTEGER NOT NULL);
            INSERT OR IGNORE INTO high_water VALUES (0, 0, 0);
            CREATE TABLE IF NOT EXISTS settled (id INTEGER PRIMARY KEY CHECK (id = 0),
                segment INTEGER NOT NULL, offset INTEGER NOT NULL);
            INSERT OR IGNORE INTO settled SELECT 0, segment, offset FROM high_water;
            """)
        let check = try connection.prepare("PRAGMA quick_check")
        guard try check.step(), check.text(at: 0) == "ok" else {
            throw SQLiteError(code: 11, message: "quick_check failed", context: path)
        }
        check.reset()
        insert = try connection.prepare("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        select = try connection.prepare("SELECT * FROM records WHERE key = ?")
        deleteManifests = try connection.prepare("DELETE FROM records WHERE key = ? AND kind = 3")
        deleteOne = try connection.prepare(
            "DELETE FROM records WHERE key = ? AND kind = ? AND shard = ? AND segment = ? AND offset = ?")
        page = try connection.prepare(
            "SELECT * FROM records WHERE (segment, offset) > (?, ?) ORDER BY segment, offset LIMIT ?")
        updateHighWater = try connection.prepare("UPDATE high_water SET segment = ?, offset = ?")
        updateSettled = try connection.prepare("UPDATE settled SET segment = ?, offset = ?")
    }

    /// The location up to which the segments are indexed.
    func highWater() throws(SQLiteError) -> RecordLocation {
        let statement = try connection.prepare("SELECT segment, offset FROM high_water")
        guard try statement.step() else { return RecordLocation(segment: 0, offset: 0) }
        return RecordLocation(segment: UInt32(statement.int64(at: 0)), offset: statement.int64(at: 1))
    }

    /// The location before which no record is provisional (Volume+Provisional.swift).
    func settledMark() throws(SQLiteError) -> RecordLocation {
        let statement = try connection.prepare("SELECT segment, offset FROM settled")
        guard try statement.step() else { return RecordLocation(segment: 0, offset: 0) }
        return RecordLocation(segment: UInt32(statement.int64(at: 0)), offset: statement.int64(at: 1))
    }

    /// Indexes `entries` in order and moves the high-water mark to `end`, and the settled mark to `settled` when
    /// given, in one transaction.
    func apply(_ entries: [IndexEntry], end: RecordLocation, settled: RecordLocation? = nil) throws {
        try connection.transaction {
            for entry in entries { try index(entry) }
            try updateHighWater.run([.integer(Int64(end.segment)), .integer(end.offset)])
            if let settled { try updateSettled.run([.integer(Int64(settled.segment)), .integer(settled.offset)]) }
        }
    }

    private func index(_ entry: IndexEntry) throws(SQLiteError) {
        let header = entry.header
        let key = SQLValue.blob(header.key.bytes)
        if header.kind == .tombstone { try deleteManifests.run([key]) }
        try insert.run([
            key, .integer(Int64(header.kind.rawValue)), .integer(Int64(header.shardIndex)),
            .integer(Int64(header.dataShardCount)), .integer(Int64(header.parityShardCount)),
            .integer(Int64(header.objectLength)), .integer(Int64(header.payloadLength)),
            .integer(Int64(header.payloadCRC32C)), .integer(Int64(entry.location.segment)),
            .integer(entry.location.offset),
        ])
    }

    /// Every entry for `key`.
    func lookup(_ key: ChunkAddress) throws -> [IndexEntry] {
        var entries: [IndexEntry] = []
        try select.query([.blob(key.bytes)]) { entries.append(Self.entry(from: $0)) }
        return entries
    }

    /// Up to `limit` entries after `location`, in location order.
    func entries(after location: RecordLocation, limit: Int) throws -> [IndexEntry] {
        var entries: [IndexEntry] = []
        try page.query([.integer(Int64(location.segment)), .integer(location.offset), .integer(Int64(limit))]) {
            entries.append(Self.entry(from: $0))
        }
        return entries
    }

    /// Removes exactly these entries (same key, kind, shard and location).
    func remove(_ entries: [IndexEntry]) throws {
        try connection.transaction {
            for entry in entries {
                try deleteOne.run([
                    .blob(entry.header.key.bytes), .integer(Int64(entry.header.kind.rawValue)),
                    .integer(Int64(entry.header.shardIndex)), .integer(Int64(entry.location.segment)),
                    .integer(entry.location.offset),
                ])
            }
        }
    }

    /// Live record bytes (headers included) and record counts per segment.
    func liveBytesBySegment() throws -> [UInt32: (bytes: Int64, records: Int)] {
        var result: [UInt32: (bytes: Int64, records: Int)] = [:]
        try connection.prepare(
            "SELECT segment, SUM(payload_length) + COUNT(*) * \(RecordHeader.byteCount), COUNT(*) FROM records "
                + "GROUP BY segment"
        ).query { row in
            result[UInt32(row.int64(at: 0))] = (row.int64(at: 1), Int(row.int64(at: 2)))
        }
        return result
    }

    private static func entry(from row: Statement) -> IndexEntry {
        var header = RecordHeader(
            kind: RecordKind(rawValue: UInt8(row.int64(at: 1))) ?? .shard, key: ChunkAddress(bytes: row.blob(at: 0)),
            shardIndex: UInt8(row.int64(at: 2)), dataShardCount: UInt8(row.int64(at: 3)),
            parityShardCount: UInt8(row.int64(at: 4)), objectLength: UInt32(row.int64(at: 5)))
        header.payloadLength = UInt32(row.int64(at: 6))
        header.payloadCRC32C = UInt32(row.int64(at: 7))
        return IndexEntry(
            header: header, location: RecordLocation(segment: UInt32(row.int64(at: 8)), offset: row.int64(at: 9)))
    }
}
