// Where the catalog lives in a data directory, and what happens when it is lost: at open, a catalog that is missing
// while the store holds objects, empty over a full store, of a schema too old to migrate, damaged, or left half
// rebuilt is rebuilt from the store (CatalogRebuild), never served empty. The old file is kept aside, not deleted.
public import Catalog
public import DICOMweb
public import ObjectStore
public import Primitives

/// Opens a node's catalog, rebuilding it from the store when it cannot be trusted.
public enum CatalogRecovery {
    /// The catalog file of the data directory `directory`.
    public static func catalogPath(_ directory: String) -> String { directory + "/catalog.sqlite" }

    /// The file that exists while a rebuild runs; it holds the path the old catalog was moved to (or nothing).
    static func markerPath(_ directory: String) -> String { directory + "/catalog.rebuilding" }

    /// The suffixes SQLite's companion files take in WAL mode, moved and removed with the database.
    static let companionSuffixes = ["-wal", "-shm"]

    /// Seconds between progress lines of a rebuild.
    static let progressIntervalSeconds: Int64 = 5

    /// Opens the catalog of `directory`, or rebuilds it from `store` first when it cannot be trusted, saying why
    /// and how it went through `log` (one line per call).
    ///
    /// A catalog newer than this build, or one that cannot be read at all (permissions, I/O), stops the start:
    /// rebuilding over it could hide a problem that is not the catalog's. A rebuild versions its rows as node
    /// `nodeID` at `environment`'s wall clock.
    static func open(
        directory: String, store: ObjectStore, site: SiteID, nodeID: NodeID, environment: NodeEnvironment,
        log: (String) -> Void
    ) throws(NodeError) -> Catalog {
        let path = catalogPath(directory)
        guard let reason = try rebuildReason(directory: directory, store: store, disk: environment.disk) else {
            do {
                return try Catalog.open(path: path)
            } catch {
                throw NodeError(.dataDirectory, "cannot open the catalog \(path): \(error)")
            }
        }
        return try rebuild(
            directory: directory, store: store, site: site, nodeID: nodeID, environment: environment, reason: reason,
            log: log
        ).catalog
    }

    /// Why the catalog of `directory` (on `disk`) must be rebuilt, or nil when it can be opened as it is.
    public static func rebuildReason(directory: String, store: ObjectStore, disk: some DiskIO) throws(NodeError)
        -> String?
    {
        let path = catalogPath(directory)
        if disk.exists(markerPath(directory)) { return "an earlier rebuild of the catalog did not finish" }
        // Listing the store walks every volume's index: only done when the catalog is missing or empty.
        func objectCount() throws(NodeError) -> Int {
            do {
                return try store.objectAddresses().count
            } catch {
                throw NodeError(.dataDirectory, "cannot list the objects of the store in \(directory): \(error)")
            }
        }
        guard disk.exists(path) else {
            let count = try objectCount()
            return count > 0 ? "the catalog \(path) is missing while the store holds \(count) objects" : nil
        }
        let isEmpty: Bool
        do {
            let catalog = try Catalog.open(path: path)
            if let problem = try catalog.integrityProblem() {
                return "the catalog \(path) fails SQLite's integrity check (\(problem))"
            }
            isEmpty = try catalog.instanceCount() == 0
        } catch let distrust where distrust.code == .outdated || distrust.code == .corrupt {
            return distrust.message
        } catch {
            throw NodeError(.dataDirectory, "cannot open the catalog \(path): \(error)")
        }
        guard isEmpty else { return nil }
        let count = try objectCount()
        return count > 0 ? "the catalog \(path) is empty while the store holds \(count) objects" : nil
    }

    /// Rebuilds the catalog of `directory` from `store`: moves the present one aside (a half-rebuilt one is
    /// removed instead), catalogues every instance the store holds as stored at `site`, versioned as node
    /// `nodeID` at `environment`'s wall clock, and reports through `log`.
    ///
    /// A marker file stays in the directory until the rebuild is complete, so a crash part-way makes the next
    /// start rebuild again rather than serve a partial catalog. Files go through `environment.disk` (the catalog
    /// itself through SQLite), and progress is timed by `environment.monotonicClock`.
    public static func rebuild(
        directory: String, store: ObjectStore, site: SiteID, nodeID: NodeID, environment: NodeEnvironment,
        reason: String, log: (String) -> Void
    ) throws(NodeError) -> (catalog: Catalog, report: CatalogRebuildReport) {
        let path = catalogPath(directory)
        let disk = environment.disk
        log("catalog: rebuilding from the store: \(reason)")
        let keptAside: String?
        do {
            keptAside = try moveAside(directory: directory, disk: disk)
        } catch {
            throw NodeError(.dataDirectory, "cannot move the catalog \(path) aside: \(error)")
        }
        let preferred = keptAside.flatMap { try? Catalog.manifestAddresses(atPath: $0) } ?? []
        let clock = environment.monotonicClock
        let start = clock.now()
        var lastLine = start
        do {
            let catalog = try Catalog.open(path: path)
            let version = NodeClock(nodeID: nodeID, wallClock: environment.wallClock, last: nil)
            let report = try CatalogRebuild.run(
                store: store, into: catalog, originSite: site, preferred: preferred, version: { version.next() },
                progress: { report in
                    let now = clock.now()
                    guard now.seconds(since: lastLine) >= Double(progressIntervalSeconds) else { return }
                    lastLine = now
                    log(
                        "catalog: rebuilding: \(report.objectsRead) of \(report.objectCount) objects read, "
                            + "\(report.instanceCount) instances catalogued")
                })
            try disk.removeFile(markerPath(directory))
            try disk.synchronizeDirectory(directory)
            for line in summary(report, seconds: clock.now().seconds(since: start), keptAside: keptAside) { log(line) }
            return (catalog, report)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.dataDirectory, "rebuilding the catalog \(path) from the store failed: \(error)")
        }
    }

    /// Writes the marker, then moves the catalog and its companions to `catalog.sqlite.before-rebuild[-N]`; a
    /// catalog a previous rebuild left half done is removed instead. Returns where the last trusted catalog is
    /// (moved now or by the interrupted rebuild), nil when there was none.
    private static func moveAside(directory: String, disk: some DiskIO) throws -> String? {
        let path = catalogPath(directory)
        let marker = markerPath(directory)
        if disk.exists(marker) {
            let recorded = String(decoding: try disk.readWholeFile(marker, limit: 4096), as: UTF8.self)
            for file in [path] + companionSuffixes.map({ path + $0 }) where disk.exists(file) {
                try disk.removeFile(file)
            }
            return recorded.isEmpty ? nil : recorded
        }
        guard disk.exists(path) else {
            try disk.writeWholeFileAtomically(marker, bytes: [])
            return nil
        }
        var aside = path + ".before-rebuild"
        var number = 1
        while disk.exists(aside) {
            number += 1
            aside = path + ".before-rebuild-\(number)"
        }
        try disk.writeWholeFileAtomically(marker, bytes: Array(aside.utf8))
        for suffix in companionSuffixes where disk.exists(path + suffix) {
            try disk.rename(path + suffix, to: aside + suffix)
        }
        try disk.rename(path, to: aside)
        try disk.synchronizeDirectory(directory)
        return aside
    }

    /// The lines that close a rebuild: what it catalogued and how fast, then what it left out.
    static func summary(_ report: CatalogRebuildReport, seconds: Double, keptAside: String?) -> [String] {
        let elapsed = max(seconds, 1e-6)
        let megabytes = Double(report.bytesRead) / 1e6
        var lines = [
            "catalog: rebuilt: \(report.instanceCount) instances from \(report.objectCount) objects "
                + "(\(Int(megabytes.rounded())) MB) in \(String(format1: elapsed)) s, "
                + "\(Int((Double(report.instanceCount) / elapsed).rounded())) instances/s, "
                + "\(String(format1: megabytes / elapsed)) MB/s"
        ]
        if !report.notInstances.isEmpty {
            lines.append(
                "catalog: \(report.notInstances.count) objects are not DICOM instances and stay uncatalogued, e.g. "
                    + "\(report.notInstances[0].address): \(report.notInstances[0].reason)")
        }
        for (address, uid) in report.duplicates.prefix(10) {
            lines.append(
                "catalog: warning: object \(address) is another version of SOP instance \(uid); it stays in the "
                    + "store uncatalogued")
        }
        for (address, reason) in report.unreadable.prefix(10) {
            lines.append("catalog: warning: object \(address) cannot be read and is not catalogued: \(reason)")
        }
        if report.patientConflictCount > 0 {
            lines.append(
                "catalog: \(report.patientConflictCount) instances name a PatientID another study names with other "
                    + "patient attributes (GET /admin/patient-conflicts lists them)")
        }
        if let keptAside { lines.append("catalog: the previous catalog is kept as \(keptAside); delete it when done") }
        return lines
    }
}

extension String {
    /// `value` with one decimal.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
