// The catalog subcommands for a stopped node's data directory: `catalog rebuild` (the catalog from the store alone),
// `check` (catalog and store agree), and the catalog's say in `gc` (objects no catalog row names are kept unless
// --force). The node itself rebuilds a lost catalog at start (CatalogRecovery); these are for operators.
import Catalog
import DICOMweb
import Foundation
import Node
import ObjectStore
import Posix
import Primitives

/// The subcommands that read or rebuild a data directory's catalog.
enum CatalogCommands {
    /// `tessera catalog rebuild --data DIR [--site S]`.
    static func run(_ words: [String]) throws {
        guard words.first == "rebuild" else {
            throw UsageError(description: "catalog takes one action: rebuild (catalog rebuild --data DIR)")
        }
        let arguments = try Arguments(Array(words.dropFirst()), valued: ["data", "site"])
        let directory = try arguments.required("data")
        let store = try StoreCommands.openStore(arguments)
        defer { store.close() }
        let siteName = arguments.value("site") ?? NodeConfiguration.siteDefault
        let site: SiteID
        do {
            site = try SiteID(siteName)
        } catch {
            throw UsageError(description: "--site: \(error)")
        }
        let environment = NodeEnvironment.makeReal()
        let nodeID = try NodeIdentity.load(directory: directory, disk: environment.disk, random: environment.random)
        let (_, report) = try CatalogRecovery.rebuild(
            directory: directory, store: store, site: site, nodeID: nodeID, environment: environment,
            reason: "asked for by `tessera catalog rebuild`"
        ) { Console.output($0 + "\n") }
        guard report.unreadable.isEmpty else {
            throw StoreError(
                .corrupt,
                "\(report.unreadable.count) objects could not be read; run `tessera scrub --data \(directory)`, then "
                    + "rebuild again")
        }
    }

    /// `tessera check --data DIR`: instances the catalog names without a whole object, and objects in the store no
    /// catalog row names. Exits non-zero when a catalogued instance cannot be read.
    static func check(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"])
        let directory = try arguments.required("data")
        let store = try StoreCommands.openStore(arguments)
        defer { store.close() }
        let catalog = try openTrusted(directory: directory, store: store)
        let catalogued = try catalog.catalogedObjects()
        var missing = 0
        var degraded = 0
        for (address, sopInstanceUID) in catalogued {
            switch store.wholeness(of: address) {
            case .whole: break
            case .degraded(let chunkCount):
                degraded += 1
                Console.output("degraded  \(sopInstanceUID)  \(address)  \(chunkCount) chunks short of records\n")
            case .missing(let reason):
                missing += 1
                Console.output("missing   \(sopInstanceUID)  \(address)  \(reason)\n")
            }
        }
        let named = Set(catalogued.map(\.manifest))
        let uncatalogued = try store.objectAddresses().filter { !named.contains($0) }
        for address in uncatalogued { Console.output("uncatalogued  \(address)\n") }
        Console.output(
            "instances catalogued: \(catalogued.count); missing: \(missing); degraded: \(degraded); objects no "
                + "catalog row names: \(uncatalogued.count)\n")
        if degraded > 0 { Console.error("tessera: run `tessera scrub --data \(directory)` to restore full redundancy") }
        if !uncatalogued.isEmpty {
            Console.error(
                "tessera: uncatalogued objects are left by refused or interrupted stores, or are not DICOM; "
                    + "`tessera catalog rebuild` catalogues the instances among them, `tessera gc --force` deletes them"
            )
        }
        guard missing == 0 else {
            throw StoreError(.corrupt, "\(missing) catalogued instances cannot be read from this node's store")
        }
    }

    /// `tessera patient-conflicts --data DIR [--json]`: the PatientIDs whose studies name different patients, read
    /// from the catalog alone (safe while the node runs; a running node also answers `GET /admin/patient-conflicts`).
    static func patientConflicts(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"], switches: ["json"])
        let path = CatalogRecovery.catalogPath(try arguments.required("data"))
        guard PosixDisk().exists(path) else { throw StoreError(.dataDirectory, "there is no catalog at \(path)") }
        let patients = try Catalog.open(path: path).patientConflicts(limit: PatientConflictReport.limitMax)
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.output(String(decoding: try encoder.encode(patients), as: UTF8.self) + "\n")
            return
        }
        for patient in patients {
            let issuer = patient.issuerOfPatientID.isEmpty ? "" : " (issuer \(patient.issuerOfPatientID))"
            Console.output("PatientID \(patient.patientID)\(issuer): \(patient.studies.count) studies\n")
            for study in patient.studies {
                Console.output(
                    "  \(study.studyInstanceUID)  \(study.patientName)  born \(study.patientBirthDate)  "
                        + "sex \(study.patientSex)  date \(study.studyDate)  accession \(study.accessionNumber)\n")
            }
        }
        Console.output("PatientIDs whose studies disagree: \(patients.count)\n")
    }

    /// The objects of a node data directory's store that no catalog row names, or nil for a plain local store
    /// (no catalog). Refuses when the catalog itself cannot be trusted: deciding what is uncatalogued needs it.
    static func uncatalogued(directory: String, store: ObjectStore) throws -> [ChunkAddress]? {
        guard PosixDisk().exists(CatalogRecovery.catalogPath(directory)) else { return nil }
        let named = Set(try openTrusted(directory: directory, store: store).catalogedObjects().map(\.manifest))
        return try store.objectAddresses().filter { !named.contains($0) }
    }

    /// The catalog of `directory`, or an error saying why it must be rebuilt first.
    private static func openTrusted(directory: String, store: ObjectStore) throws -> Catalog {
        if let reason = try CatalogRecovery.rebuildReason(directory: directory, store: store, disk: PosixDisk()) {
            throw StoreError(
                .corrupt, "\(reason); run `tessera catalog rebuild --data \(directory)` (or start the node) first")
        }
        return try Catalog.open(path: CatalogRecovery.catalogPath(directory))
    }
}
