// The catalog of one node: the SQLite (WAL) index of the studies (each with its patient), series and instances it
// knows, with QIDO-RS matching and WADO-RS lookups. Blocking: call it from owned threads, never from async code.
public import Primitives
import SQLite
import Synchronization

/// The SQLite catalog of patients, studies, series and instances (DESIGN.md, "catalog").
///
/// Safe to call from many owned threads at once. Inserts go through one writer connection behind a Mutex; searches
/// and retrievals take a reader connection from a small pool, and WAL mode lets them read the last commit while an
/// insert transaction is open, so a search never waits for a long batch. Every call blocks on SQLite: call it from
/// an owned thread or a BlockingPool thread, never from the cooperative pool.
public final class Catalog: Sendable {
    /// Pragmas every connection sets: a larger page cache (8 MiB) and in-memory sorting.
    static let connectionPragmas = "PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;"

    /// The database file.
    public let path: String
    /// The writer and the regional digest tree it keeps current (both behind one lock, changed together).
    let writer: Mutex<CatalogWriter>
    /// The regional digests as of the last commit, for peers to compare against without waiting for the writer.
    let regionalDigests: Mutex<RegionalDigestTree>
    private let idleReaders: Mutex<[CatalogReader]>
    private let readerCountMax: Int
    private let patientConflictsNoticed = Atomic<Int>(0)

    private init(path: String, writer: sending CatalogWriter, readerCountMax: Int) {
        self.path = path
        let digests = writer.regionalDigests
        self.writer = Mutex(writer)
        self.regionalDigests = Mutex(digests)
        self.idleReaders = Mutex([])
        self.readerCountMax = readerCountMax
    }

    /// Opens the catalog at `path`, creating the file or migrating its schema as needed.
    ///
    /// Throws `.schema` for a database newer than this build, `.corrupt` for a file that is not a catalog, `.io`
    /// when the file cannot be opened.
    public static func open(path: String, options: CatalogOptions = CatalogOptions()) throws(CatalogError) -> Catalog {
        let connection = try CatalogFailure.mapping("opening catalog \(path)") {
            let connection = try Connection(path: path)
            var mode = ""
            try connection.prepare("PRAGMA journal_mode = WAL").query { mode = $0.text(at: 0) }
            guard mode == "wal" else { throw CatalogError(.io, "\(path) cannot use WAL mode (journal mode \(mode))") }
            try connection.execute(
                "PRAGMA synchronous = \(options.isSynchronousFull ? "FULL" : "NORMAL"); " + connectionPragmas)
            return connection
        }
        try CatalogSchema.migrate(connection, path: path)
        let writer = CatalogWriter(connection: connection)
        try writer.loadRegionalDigests()
        return Catalog(path: path, writer: writer, readerCountMax: options.readerCountMax)
    }

    // MARK: - Writing

    /// Catalogues one instance at `version` and says whether it was new, already there, or a conflict.
    ///
    /// `.alreadyStored` and `.conflict` change nothing. Throws `.badInstance` for a missing required UID or an
    /// oversized value, and `.conflict` when the instance's series is catalogued under another study.
    public func insert(_ instance: CatalogInstance, version: HLCTimestamp) throws(CatalogError)
        -> CatalogInsertOutcome
    {
        try insert([(instance: instance, version: version)])[0]
    }

    /// Catalogues `batch` in one transaction (one fsync), for bulk loads and benches. Returns one outcome per
    /// element, in order; a later element sees the earlier ones. Throws on the first invalid element and then
    /// stores none of the batch.
    public func insert(_ batch: [(instance: CatalogInstance, version: HLCTimestamp)]) throws(CatalogError)
        -> [CatalogInsertOutcome]
    {
        try insert(batch) { true } ?? []
    }

    /// Catalogues `batch` in one transaction like `insert(_:)`, but only if `shouldCommit` returns true; otherwise
    /// returns nil, storing nothing. Lets a caller catalogue instances once their bytes are durable: `shouldCommit`
    /// waits for that (the volumes' fdatasyncs) and says whether it happened.
    ///
    /// `shouldCommit` runs before the writer is taken, so concurrent uploads wait for their own volume commits side
    /// by side, and hold the writer only for their rows and its commit. (Waiting inside the writer made every other
    /// upload wait for this one's fdatasyncs as well: four clients storing at once went one at a time.)
    ///
    /// With `sharing`, the instances' regional rows (instance and this node's holding) and their outbox entries
    /// are written in the same transaction.
    public func insert(
        _ batch: [(instance: CatalogInstance, version: HLCTimestamp)], sharing: CatalogSharing? = nil,
        committingIf shouldCommit: () -> Bool
    ) throws(CatalogError) -> [CatalogInsertOutcome]? {
        guard shouldCommit() else { return nil }
        guard !batch.isEmpty else { return [] }
        let outcomes = try writer.withLock { writer throws(CatalogError) in
            let outcomes = try writer.insert(batch, sharing: sharing, committingIf: { true })
            if sharing != nil { publishDigests(writer) }
            return outcomes
        }
        let conflicts = outcomes?.count { if case .stored(.some) = $0 { true } else { false } } ?? 0
        if conflicts > 0 { patientConflictsNoticed.add(conflicts, ordering: .relaxed) }
        return outcomes
    }

    /// Copies every committed page from the write-ahead log into the database file and empties the log, so the
    /// file alone is the whole catalog (a copy of it is a backup). A node does it at shutdown, once nothing writes.
    public func checkpoint() throws(CatalogError) {
        try writer.withLock { writer throws(CatalogError) in
            try CatalogFailure.mapping("checkpointing \(path)") {
                try writer.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
    }

    // MARK: - Reading

    /// The studies, series or instances matching `query`, in the level's stable order, paged by limit and offset.
    ///
    /// Matching follows PS3.4 C.2.2.2 as QIDO-RS uses it (PS3.18 §8.3.4):
    /// - an empty value (or "*") matches everything;
    /// - single values match exactly and case-sensitively, except person names (PN), which match
    ///   case-insensitively and ignore empty trailing components ("smith^john^" matches "SMITH^JOHN");
    /// - `*` and `?` are wildcards in text and PN values, not in UIDs, dates, times or numbers;
    /// - dates (DA) and times (TM) match single values or ranges "A-B", "-B", "A-"; a time names a span at its
    ///   precision ("10" is 10:00:00 to 10:59:59.999999); an entity with an empty value never matches a range;
    ///   StudyDate and StudyTime ranges are matched independently, not as one combined date-time range;
    /// - UIDs match one value or a list separated by "," or "\\";
    /// - a higher level's attributes may be matched at a lower level (PatientID at series level);
    /// - ModalitiesInStudy matches a study when any of its series' Modality matches any listed value.
    /// Throws `.unsupportedAttribute` for an attribute not indexed at the query's level, `.badQuery` for a
    /// malformed value, limit or offset, each naming the attribute and value.
    public func query(_ query: CatalogQuery) throws(CatalogError) -> [CatalogMatch] {
        let plan = try CatalogQueryPlan(query)
        return try withReader { reader throws(CatalogError) in try reader.matches(plan, level: query.level) }
    }

    /// Whether a filter on `tag` can be matched at `level` (an indexed attribute of that level or a higher one).
    /// DICOMweb asks before querying, to drop an unsupported filter with a warning (PS3.18 §8.3.4).
    public static func canMatch(tag: UInt32, at level: CatalogLevel) -> Bool {
        CatalogAttribute.byTag[tag].map { $0.level <= level } ?? false
    }

    /// The tags every match at `level` carries, in a fixed order: the level's attributes and those above it.
    public static func returnedTags(at level: CatalogLevel) -> [UInt32] {
        CatalogAttribute.returned(at: level).map(\.tag)
    }

    /// The instances of a study (and series, and instance) for WADO-RS, ordered by series (SeriesNumber, then
    /// UID) then InstanceNumber then SOP Instance UID. Empty when nothing matches, which WADO-RS answers with 404.
    /// With `includingMetadata` false, `metadata` is empty (a retrieve of the bytes needs no header JSON); `limit`
    /// keeps the first ones only.
    public func instances(
        studyInstanceUID: String, seriesInstanceUID: String? = nil, sopInstanceUID: String? = nil,
        includingMetadata: Bool = true, limit: Int? = nil
    ) throws(CatalogError) -> [CatalogStoredInstance] {
        try withReader { reader throws(CatalogError) in
            try reader.instances(
                studyUID: studyInstanceUID, seriesUID: seriesInstanceUID, sopUID: sopInstanceUID,
                includingMetadata: includingMetadata, limit: limit)
        }
    }

    /// The number of instances catalogued.
    public func instanceCount() throws(CatalogError) -> Int {
        Int(try withReader { reader throws(CatalogError) in try reader.integer("SELECT count(*) FROM instances") })
    }

    /// The PatientIDs whose studies disagree about the patient (name, birth date or sex), each with every one of
    /// its studies and the values they carry; at most `limit` PatientIDs, in PatientID order.
    public func patientConflicts(limit: Int = 1_000) throws(CatalogError) -> [PatientConflictSummary] {
        precondition(limit > 0, "a listing of patient conflicts needs a positive limit")
        return try withReader { reader throws(CatalogError) in try reader.patientConflicts(limit: limit) }
    }

    /// Instances catalogued with a patient conflict since the catalog was opened.
    public var patientConflictCount: Int { patientConflictsNoticed.load(ordering: .relaxed) }

    /// What SQLite's quick integrity check finds wrong with the database, nil when nothing. Reads every page:
    /// run it at open, not per request.
    public func integrityProblem() throws(CatalogError) -> String? {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("checking the integrity of \(path)") {
                var lines: [String] = []
                try reader.connection.prepare("PRAGMA quick_check(10)").query { lines.append($0.text(at: 0)) }
                return lines == ["ok"] ? nil : lines.joined(separator: "; ")
            }
        }
    }

    /// The manifest address of every instance the catalog at `path` names, read without migrating or changing
    /// it (any schema version this build has written), so a rebuild can prefer what an old catalog served.
    public static func manifestAddresses(atPath path: String) throws(CatalogError) -> Set<ChunkAddress> {
        try CatalogFailure.mapping("reading the manifests named in \(path)") {
            let connection = try Connection(path: path, readOnly: true)
            var addresses = Set<ChunkAddress>()
            try connection.prepare("SELECT manifest FROM instances").query { row in
                let bytes = row.blob(at: 0)
                if bytes.count == ChunkAddress.byteCount { addresses.insert(ChunkAddress(bytes: bytes)) }
            }
            return addresses
        }
    }

    /// Every catalogued instance's manifest address with its SOP Instance UID, for `tessera check`.
    public func catalogedObjects() throws(CatalogError) -> [(manifest: ChunkAddress, sopInstanceUID: String)] {
        try withReader { reader throws(CatalogError) in
            try CatalogFailure.mapping("listing the instances of \(path)") {
                var objects: [(manifest: ChunkAddress, sopInstanceUID: String)] = []
                try reader.connection.prepare("SELECT manifest, sop_instance_uid FROM instances ORDER BY id").query {
                    objects.append((try CatalogReader.address($0.blob(at: 0)), $0.text(at: 1)))
                }
                return objects
            }
        }
    }

    /// The number of studies catalogued.
    public func studyCount() throws(CatalogError) -> Int {
        Int(try withReader { reader throws(CatalogError) in try reader.integer("SELECT count(*) FROM studies") })
    }

    /// The greatest version of any catalogued instance or regional row, nil when empty: restores a node's
    /// HybridLogicalClock after a restart so its new versions exceed everything it stored or merged before.
    public func versionMax() throws(CatalogError) -> HLCTimestamp? {
        try withReader { reader throws(CatalogError) in try reader.versionMax() }
    }

    /// Runs `body` with an idle reader, or a new one when none is idle, and keeps it for reuse if there is room.
    func withReader<Result>(_ body: (CatalogReader) throws(CatalogError) -> Result) throws(CatalogError)
        -> Result
    {
        let reader: CatalogReader
        if let idle = idleReaders.withLock({ $0.popLast() }) {
            reader = idle
        } else {
            reader = try CatalogReader(path: path)
        }
        defer {
            idleReaders.withLock { idle in
                if idle.count < readerCountMax { idle.append(reader) }
            }
        }
        return try body(reader)
    }
}
