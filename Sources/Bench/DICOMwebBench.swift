// `tessera bench dicomweb`: the figures of issue 4. Our node and Orthanc, both child processes on loopback, get
// the same generated CT study the same way (STOW-RS batches from disk, WADO-RS retrieves warm and cold), then QIDO
// latency over a 100,000-instance catalog and the node's peak RSS while it ingests one 2 GiB instance.
import Catalog
import Foundation
import Posix
import Primitives

/// The DICOMweb benchmark.
public struct DICOMwebBench {
    /// The sizes of one run.
    public struct Settings: Sendable {
        /// Slices of the CT study (512 × 512, 16-bit: about 0.5 MiB each).
        public var sliceCount: Int
        /// Studies of 100 instances pre-filled into the node's catalog for the QIDO-RS figure.
        public var catalogStudyCount: Int
        /// QIDO-RS searches timed.
        public var searchCount: Int
        /// Pixel Data bytes of the single large instance of the RSS figure.
        public var largeInstanceBytes: Int64
        /// Files per STOW-RS request.
        public var batchCount: Int
        /// Studies stored into each server, each a new one; the best and the median round are shown.
        public var storeRoundCount: Int
        /// Rounds of the outside client (warm, then cold), alternating servers; the median counts.
        public var outsideRoundCount: Int
        /// Whether only the retrieve rows run (one STOW-RS round to fill the servers, no QIDO-RS, no RSS): for
        /// iterating on the read path.
        public var isRetrieveOnly = false
        /// Whether only the STOW-RS rows run (no retrieve, QIDO-RS or RSS): for iterating on the ingest path.
        public var isStoreOnly = false

        /// The run the figures are for.
        public static let full = Settings(
            sliceCount: 300, catalogStudyCount: 1_000, searchCount: 1_000, largeInstanceBytes: 2 << 30, batchCount: 10,
            storeRoundCount: 3, outsideRoundCount: 5)
        /// A small run for tests: every row, in about half a minute alone in a debug build (several minutes beside
        /// the rest of the test run on two cores).
        public static let quick = Settings(
            sliceCount: 30, catalogStudyCount: 100, searchCount: 200, largeInstanceBytes: 64 << 20, batchCount: 10,
            storeRoundCount: 1, outsideRoundCount: 1)
    }

    /// Clients storing at once in the second STOW-RS row: how a PACS migration or several modalities send.
    static let concurrentSenderCount = 4

    /// Issue 4's targets.
    static let stowRatioMin = 3.0
    static let warmRatioMin = 1.5
    static let coldRatioMin = 2.0
    static let peakResidentBytesMax: Int64 = 128 << 20
    /// Warm reads timed after the first read of each server; the best and the median are shown.
    static let warmReadCount = 3
    /// Cold reads timed, each after dropping the page cache; the best and the median are shown.
    static let coldReadCount = 3
    /// Pixel columns and rows of each slice.
    static let matrix = 512

    let settings: Settings
    /// The scratch folder: study files, the servers' data, their logs. The caller removes it.
    let directory: String

    /// Makes the bench with `settings`, its scratch files in `directory`.
    public init(settings: Settings, directory: String) {
        self.settings = settings
        self.directory = directory
    }

    /// Runs every figure and returns the table's lines followed by its notes.
    public func run() throws -> [String] {
        let disk = PosixDisk()
        try disk.makeDirectory(directory)
        var table = BenchTable()
        var notes: [String] = []
        Console.error("generating a CT study of \(settings.sliceCount) slices \(Self.matrix)×\(Self.matrix)×16-bit…")
        let study = try BenchStudy.generate(
            directory: directory + "/study", seed: 2026, sliceCount: settings.sliceCount, rows: Self.matrix,
            columns: Self.matrix)
        let megabytes = Console.fixed(Double(study.totalBytes) / 1e6, digits: 0)

        let nodeData = directory + "/node"
        try disk.makeDirectory(nodeData)
        let catalogBench = CatalogQueryBench(
            directory: nodeData, studyCount: settings.catalogStudyCount, searchCount: settings.searchCount)
        Console.error("filling the node's catalog with \(settings.catalogStudyCount * 100) instances…")
        let inProcess = try searchInProcess(catalogBench)

        Console.error("starting the node (6 volumes, 4+2, fsync) and Orthanc…")
        let missingOrthanc = OrthancServer.ensureInstalled()
        var servers = try BenchServers(
            nodeData: nodeData, orthancFolder: directory + "/orthanc", logDirectory: directory,
            withOrthanc: missingOrthanc == nil)
        defer { servers.stop() }
        if let missingOrthanc {
            notes.append(missingOrthanc)
        } else if let reference = servers.reference {
            notes.append(
                "reference: Orthanc \(OrthancServer.version(origin: reference.origin)) with its DICOMweb plugin")
        }
        let cacheSize = Console.bytes(BenchServers.readCacheBytes)
        notes.append(
            "memory for what each server read: our node's read cache and Orthanc's storage cache, \(cacheSize) each")
        let ours = servers.ours
        let reference = servers.reference

        let storeRoundCount = settings.isRetrieveOnly ? 1 : settings.storeRoundCount
        let stow = try storeRounds(
            study, ours: ours, reference: reference, senderCount: 1, firstRound: 0, roundCount: storeRoundCount)
        notes.append(
            "STOW-RS: \(storeRoundCount) rounds, each storing a new study of the same size into "
                + "both servers (which goes first alternates), everything synced between them")
        table.add(
            Self.rateRows(
                "STOW-RS ingest, \(study.files.count) slices (\(megabytes) MB), \(settings.batchCount)/request",
                bytes: study.totalBytes, rounds: stow, ratioMin: Self.stowRatioMin))
        if !settings.isRetrieveOnly {
            let concurrent = try storeRounds(
                study, ours: ours, reference: reference, senderCount: Self.concurrentSenderCount,
                firstRound: settings.storeRoundCount, roundCount: settings.storeRoundCount)
            table.add(
                Self.rateRows(
                    "  the same, \(Self.concurrentSenderCount) clients sending at once", bytes: study.totalBytes,
                    rounds: concurrent, ratioMin: Self.stowRatioMin))
        }
        table.add(try driveRow(bytes: Int(study.totalBytes), directory: nodeData, notes: &notes))
        if settings.isStoreOnly { return table.render() + notes.map { "note: " + $0 } }
        try retrieveRows(study, servers: &servers, table: &table, notes: &notes)
        if settings.isRetrieveOnly { return table.render() + notes.map { "note: " + $0 } }

        Console.error("QIDO-RS: \(settings.searchCount) study searches over HTTP…")
        let searched = servers.ours
        let overHTTP = try catalogBench.timeSearches(
            instanceCount: inProcess.instanceCount + study.files.count * settings.storeRoundCount,
            fillSeconds: inProcess.fillSeconds
        ) { try searched.search($0) }
        table.add(CatalogQueryBench.row(overHTTP, figure: "QIDO-RS study search p50 / p99, HTTP keep-alive"))
        table.add(CatalogQueryBench.row(inProcess, figure: "  reference: Catalog.query in-process"))
        notes.append(
            "QIDO-RS: \(overHTTP.searchCount) searches (PatientID, PatientName wildcard, StudyDate range, "
                + "ModalitiesInStudy, AccessionNumber; limit 100); matches per search "
                + Console.fixed(overHTTP.matchCountMean, digits: 1) + " over HTTP, "
                + Console.fixed(inProcess.matchCountMean, digits: 1) + " in-process")
        servers.stop()

        try largeInstance(table: &table)
        return table.render() + notes.map { "note: " + $0 }
    }

    // MARK: - Phases

    /// Fills the catalog the node will open and times the same searches in-process (the reference row).
    private func searchInProcess(_ bench: CatalogQueryBench) throws -> CatalogQueryBench.Result {
        let catalog = try Catalog.open(path: bench.directory + "/catalog.sqlite")
        let fillSeconds = try bench.fill(catalog)
        return try bench.timeSearches(instanceCount: try catalog.instanceCount(), fillSeconds: fillSeconds) {
            try catalog.query($0).count
        }
    }

    /// The seconds each server took to store a study in each of `roundCount` rounds: `study` first (round 0), then
    /// new studies of the same size (generated between rounds, removed after).
    private func storeRounds(
        _ study: BenchStudy, ours: DICOMwebPeer, reference: DICOMwebPeer?, senderCount: Int, firstRound: Int,
        roundCount: Int
    ) throws -> BenchRounds {
        var rounds = BenchRounds()
        for round in firstRound..<(firstRound + roundCount) {
            let folder = directory + "/study-\(round)"
            let roundStudy =
                round == 0
                ? study
                : try BenchStudy.generate(
                    directory: folder, seed: 2026 + UInt64(round), sliceCount: settings.sliceCount,
                    rows: Self.matrix, columns: Self.matrix)
            defer { if round > 0 { try? FileManager.default.removeItem(atPath: folder) } }
            Console.error(
                "STOW-RS round \(round - firstRound + 1) of \(roundCount): \(study.files.count) files, "
                    + "\(settings.batchCount) per request, \(senderCount) at once…")
            let seconds = try storeStudy(
                roundStudy, ours: ours, reference: reference, senderCount: senderCount, oursFirst: round % 2 == 0)
            rounds.addOurs(seconds.ours)
            if let other = seconds.reference { rounds.addReference(other) }
        }
        return rounds
    }

    /// Seconds each server took to store `study`; everything is synced after each, outside the timing.
    private func storeStudy(
        _ study: BenchStudy, ours: DICOMwebPeer, reference: DICOMwebPeer?, senderCount: Int, oursFirst: Bool
    ) throws -> (ours: Double, reference: Double?) {
        let batches = study.batches(of: settings.batchCount)
        func time(_ peer: DICOMwebPeer) throws -> Double {
            defer { sync() }
            guard senderCount > 1 else {
                return try BenchTiming.seconds { for batch in batches { try peer.store(batch) } }
            }
            return try BenchTiming.seconds {
                try DICOMwebPeer.storeConcurrently(
                    batches, name: peer.name, origin: peer.origin, senderCount: senderCount)
            }
        }
        var seconds: (ours: Double, reference: Double?) = (0, nil)
        if oursFirst { seconds.ours = try time(ours) }
        if let reference { seconds.reference = try time(reference) }
        if !oursFirst { seconds.ours = try time(ours) }
        return seconds
    }

    /// The drive's own rate for writing what a node writes for one study (1.5× its bytes with 4+2 coding, over
    /// six files at once, each fdatasynced), and the note saying what it allows ingest.
    private func driveRow(bytes: Int, directory: String, notes: inout [String]) throws -> BenchRow {
        Console.error("the drive: \(Console.bytes(Int64(bytes * 3 / 2))) over 6 files at once, each fdatasynced…")
        let rate = try DriveWriteRate(directory: directory, bytes: bytes * 3 / 2, fileCount: 6).measure()
        notes.append(
            "the drive: a node with 4+2 coding writes 1.5 bytes per byte stored, so with fsync no ingest here can "
                + "pass \(BenchTable.megabytesPerSecond(rate / 1.5)) (the drive's rate / 1.5)")
        return BenchRow(
            figure: "  reference: the drive, 1.5× the study over 6 files, fdatasync",
            ours: BenchTable.megabytesPerSecond(rate), reference: "", ratio: nil, target: "", isMet: nil)
    }

    /// Stores one generated instance of `largeInstanceBytes` into a fresh node and reads the node's peak RSS.
    private func largeInstance(table: inout BenchTable) throws {
        let size = Console.bytes(settings.largeInstanceBytes)
        Console.error("peak RSS: one \(size) instance through STOW-RS into a fresh node…")
        let node = try Self.startNode(
            data: directory + "/node-rss", logDirectory: directory, readCacheBytes: BenchServers.readCacheBytes)
        defer { node.process.stop() }
        let peer = try DICOMwebPeer(name: "ours", origin: node.origin)
        let body = try GeneratedInstanceBody(pixelBytes: settings.largeInstanceBytes, seed: 7)
        let seconds = try BenchTiming.seconds { try peer.store(body) }
        guard let peak = node.process.peakResidentBytes() else {
            throw BenchError("cannot read VmHWM of the node (pid \(node.process.pid)) in /proc")
        }
        table.add(
            BenchRow(
                figure: "peak RSS of the node, one \(size) instance via STOW-RS", ours: Console.bytes(peak),
                reference: "", ratio: nil, target: "≤ " + Console.bytes(Self.peakResidentBytesMax),
                isMet: peak <= Self.peakResidentBytesMax))
        table.add(
            BenchRow(
                figure: "  its ingest rate", ours: BenchTable.megabytesPerSecond(Double(body.length) / seconds),
                reference: "", ratio: nil, target: "", isMet: nil))
    }

    // MARK: - Nodes and rows

    /// Starts `tessera node --data DIR --http 127.0.0.1:0` (six volumes, 4+2 by default) with a read cache of
    /// `readCacheBytes` and waits for its URL.
    static func startNode(data: String, logDirectory: String, readCacheBytes: Int64) throws -> (
        process: ChildProcess, origin: String
    ) {
        let process = try ChildProcess(
            name: "node-" + (data as NSString).lastPathComponent, executable: ChildProcess.tesseraExecutable,
            arguments: [
                "node", "--data", data, "--http", "127.0.0.1:0", "--dimse", "off", "--read-cache-mb",
                String(readCacheBytes >> 20),
            ], logDirectory: logDirectory)
        let line = try process.waitForLine(containing: "DICOMweb: http://", seconds: 120)
        guard let start = line.range(of: "http://"),
            let end = line[start.upperBound...].firstIndex(of: "/")
        else { throw process.failure("printed a DICOMweb line without a URL: \(line)") }
        return (process, String(line[start.lowerBound..<end]))
    }

    /// Two throughput rows: the best round as `figure`, then the median round.
    static func rateRows(_ figure: String, bytes: Int64, rounds: BenchRounds, ratioMin: Double) -> [BenchRow] {
        guard rounds.count > 1 else { return [rateRow(figure, bytes: bytes, seconds: rounds.best, ratioMin: ratioMin)] }
        return [
            rateRow(figure + ", best of \(rounds.count)", bytes: bytes, seconds: rounds.best, ratioMin: ratioMin),
            rateRow("    median of \(rounds.count)", bytes: bytes, seconds: rounds.median, ratioMin: ratioMin),
        ]
    }

    /// A throughput row: ours against Orthanc (or a dash when Orthanc did not run).
    static func rateRow(_ figure: String, bytes: Int64, seconds: (ours: Double, reference: Double?), ratioMin: Double)
        -> BenchRow
    {
        let ours = Double(bytes) / seconds.ours
        let reference = seconds.reference.map { Double(bytes) / $0 }
        let ratio = reference.map { ours / $0 }
        return BenchRow(
            figure: figure, ours: BenchTable.megabytesPerSecond(ours),
            reference: reference.map { BenchTable.megabytesPerSecond($0) + " (Orthanc)" } ?? "- (no Orthanc)",
            ratio: ratio,
            target: "≥ " + Console.fixed(ratioMin, digits: 2), isMet: ratio.map { $0 >= ratioMin })
    }
}
