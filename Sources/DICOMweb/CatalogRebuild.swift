// Rebuilds a catalog from the store alone: every live object is read back (verified, as any read is) through the
// same streaming Part-10 reader STOW-RS uses, and each one that is a DICOM instance is catalogued. The catalog is
// derived data; this is what makes losing it lose nothing. Files (where the catalog lives, the old one kept aside)
// are the caller's.
public import Catalog
import DICOM
public import ObjectStore
public import Primitives

/// What a rebuild found, for its summary.
public struct CatalogRebuildReport: Sendable {
    /// Live objects in the store.
    public var objectCount = 0
    /// Objects read so far.
    public var objectsRead = 0
    /// Instances catalogued.
    public var instanceCount = 0
    /// Bytes of the objects read.
    public var bytesRead: Int64 = 0
    /// Objects that are not DICOM Part-10 instances (files stored with `tessera put`, say), with why.
    public var notInstances: [(address: ChunkAddress, reason: String)] = []
    /// Objects whose SOP Instance UID another object already has in the rebuilt catalog (a conflicting re-store
    /// the catalog refused when it happened); they stay in the store, uncatalogued.
    public var duplicates: [(address: ChunkAddress, sopInstanceUID: String)] = []
    /// Objects that could not be read (damaged beyond what parity repairs), with the store's error.
    public var unreadable: [(address: ChunkAddress, reason: String)] = []
    /// Instances catalogued whose patient attributes disagree with another study of their PatientID.
    public var patientConflictCount = 0

    /// An empty report.
    public init() {}
}

/// Catalogues the DICOM instances a store holds.
public enum CatalogRebuild {
    /// Objects read and catalogued per round: one catalog transaction and one multi-object read each.
    public static let roundObjectCount = 256

    /// Reads every live object of `store` (in storage order) and catalogues each DICOM instance into `catalog`
    /// (normally new and empty), with `originSite` as its origin, versions from `version`, and BulkDataURIs under
    /// `pathPrefix`. The reads run as one job on the store's executor, ahead of the cataloguing, and end before this
    /// returns or throws; in line, round by round, when the executor runs nothing alongside its caller.
    ///
    /// Objects named in `preferred` (the manifests an older catalog chose, by SOP Instance UID) are read first, so
    /// when two stored objects carry one SOP Instance UID the one the old catalog served wins. `progress` is called
    /// after every round with the report so far. Blocks: call it from an owned thread. Throws the catalog's errors
    /// (a full disk); an object that cannot be read or parsed is reported, not thrown.
    public static func run(
        store: ObjectStore, into catalog: Catalog, originSite: SiteID,
        pathPrefix: String = DICOMwebConfiguration.pathPrefixDefault, preferred: Set<ChunkAddress> = [],
        version: () -> HLCTimestamp, progress: (CatalogRebuildReport) -> Void = { _ in }
    ) throws -> CatalogRebuildReport {
        let addresses = try store.objectAddressesInStorageOrder()
        let ordered = addresses.filter { preferred.contains($0) } + addresses.filter { !preferred.contains($0) }
        var report = CatalogRebuildReport()
        report.objectCount = ordered.count
        func take(_ round: RebuildRound) throws {
            report.objectsRead += round.report.objectsRead
            report.bytesRead += round.report.bytesRead
            report.notInstances += round.report.notInstances
            report.unreadable += round.report.unreadable
            try catalogue(round.headers, into: catalog, originSite: originSite, version: version, report: &report)
            progress(report)
        }
        let starts = Array(stride(from: 0, to: ordered.count, by: roundObjectCount))
        let readRound: @Sendable (Int) -> RebuildRound = { start in
            let addresses = Array(ordered[start..<min(start + roundObjectCount, ordered.count)])
            var read = CatalogRebuildReport()
            let headers = Self.read(addresses, from: store, pathPrefix: pathPrefix, report: &read)
            return RebuildRound(headers: headers, report: read)
        }
        // Reading and parsing (a job of the store's executor) overlap cataloguing (here): a cold store keeps the
        // drives busy while SQLite works, and the queue bounds what waits between them to two rounds.
        let rounds: any HandOverQueue<RebuildRound> = store.executor.makeQueue(capacity: roundsAheadMax)
        let reader: @Sendable () -> Void = {
            for start in starts {
                guard rounds.push(readRound(start)) else { return }
            }
            rounds.close()
        }
        guard let run = store.executor.startAlongside([reader]) else {
            for start in starts { try take(readRound(start)) }
            return report
        }
        defer {
            rounds.close()
            run.join()
        }
        while let round = rounds.pop() { try take(round) }
        return report
    }

    /// Rounds read ahead of the one being catalogued.
    static let roundsAheadMax = 2

    /// One round read and parsed, waiting to be catalogued.
    struct RebuildRound: Sendable {
        let headers: [(address: ChunkAddress, header: InstanceHeader, length: UInt64)]
        let report: CatalogRebuildReport
    }

    /// Catalogues the instances of one round in one transaction and counts what happened in `report`.
    private static func catalogue(
        _ headers: [(address: ChunkAddress, header: InstanceHeader, length: UInt64)], into catalog: Catalog,
        originSite: SiteID, version: () -> HLCTimestamp, report: inout CatalogRebuildReport
    ) throws {
        let batch = headers.map { address, header, length in
            (
                instance: CatalogInstance(
                    attributes: header.attributes, transferSyntaxUID: header.transferSyntaxUID,
                    manifestAddress: address, lengthBytes: Int64(length), originSite: originSite,
                    metadata: header.metadata),
                version: version()
            )
        }
        for (index, outcome) in try insert(batch, into: catalog).enumerated() {
            switch outcome {
            case .success(.stored(let conflict)):
                report.instanceCount += 1
                if conflict != nil { report.patientConflictCount += 1 }
            case .success(.alreadyStored):
                // Only when rebuilding into a catalog that already holds it: it is catalogued all the same.
                report.instanceCount += 1
            case .success(.conflict):
                report.duplicates.append((headers[index].address, headers[index].header.sopInstanceUID))
            case .failure(let error):
                report.notInstances.append((headers[index].address, "the catalog refused it: \(error.message)"))
            }
        }
    }

    /// Catalogues `batch` in one transaction, or one by one when an element is refused (so one bad instance
    /// does not keep the others out). Throws only what is not about an instance: I/O, a damaged database.
    private static func insert(_ batch: [(instance: CatalogInstance, version: HLCTimestamp)], into catalog: Catalog)
        throws(CatalogError) -> [Result<CatalogInsertOutcome, CatalogError>]
    {
        do {
            return try catalog.insert(batch).map { .success($0) }
        } catch let batchRefusal where batchRefusal.code == .badInstance || batchRefusal.code == .conflict {
            // One element was refused: catalogue them one by one, so only that one is left out.
            var outcomes: [Result<CatalogInsertOutcome, CatalogError>] = []
            for element in batch {
                do {
                    outcomes.append(.success(try catalog.insert(element.instance, version: element.version)))
                } catch let refusal where refusal.code == .badInstance || refusal.code == .conflict {
                    outcomes.append(.failure(refusal))
                }
            }
            return outcomes
        }
    }

    /// The headers of the objects of `round` that are DICOM instances, with their addresses and lengths, in order;
    /// the others go into `report`. Reads them back to back; when the store fails on one, reads the round one by
    /// one so only the object at fault is left out.
    private static func read(
        _ round: [ChunkAddress], from store: ObjectStore, pathPrefix: String, report: inout CatalogRebuildReport
    ) -> [(address: ChunkAddress, header: InstanceHeader, length: UInt64)] {
        var sink = RebuildSink(pathPrefix: pathPrefix, count: round.count)
        do {
            try store.get(round, into: &sink)
            sink.finishLast()
        } catch {
            sink = RebuildSink(pathPrefix: pathPrefix, count: round.count)
            for (index, address) in round.enumerated() {
                var one = RebuildSink(pathPrefix: pathPrefix, count: 1)
                do {
                    try store.get([address], into: &one)
                    one.finishLast()
                    sink.results[index] = one.results[0]
                    sink.lengths[index] = one.lengths[0]
                } catch {
                    sink.results[index] = .unreadable("\(error)")
                }
            }
        }
        var headers: [(address: ChunkAddress, header: InstanceHeader, length: UInt64)] = []
        for (index, address) in round.enumerated() {
            report.objectsRead += 1
            report.bytesRead += Int64(sink.lengths[index])
            switch sink.results[index] {
            case .instance(let header): headers.append((address, header, sink.lengths[index]))
            case .notInstance(let reason): report.notInstances.append((address, reason))
            case .unreadable(let reason): report.unreadable.append((address, reason))
            case .pending: report.unreadable.append((address, "the read ended before the object"))
            }
        }
        return headers
    }
}

/// What reading one object gave.
enum RebuildResult {
    case pending
    case instance(InstanceHeader)
    case notInstance(String)
    case unreadable(String)
}

/// Feeds each object of a multi-object read through its own Part-10 reader. Never throws for an object that is not
/// DICOM: it notes why and skips the rest of that object's bytes, so one such object does not stop the read.
struct RebuildSink: ObjectSequenceSink {
    let pathPrefix: String
    var results: [RebuildResult]
    var lengths: [UInt64]
    private var current: Int?
    private var inspector: InstanceInspector?

    init(pathPrefix: String, count: Int) {
        self.pathPrefix = pathPrefix
        results = Array(repeating: .pending, count: count)
        lengths = Array(repeating: 0, count: count)
    }

    mutating func begin(object index: Int, length: UInt64) throws {
        finishLast()
        current = index
        lengths[index] = length
        inspector = InstanceInspector(pathPrefix: pathPrefix, checksConsistency: false)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let index = current, inspector != nil else { return }
        do {
            try inspector!.feed(bytes)
        } catch {
            results[index] = .notInstance(Self.reason(error))
            inspector = nil
        }
    }

    /// Ends the object last begun: its reader checks it is complete.
    mutating func finishLast() {
        guard let index = current else { return }
        current = nil
        guard inspector != nil else { return }
        do {
            results[index] = .instance(try inspector!.finish())
        } catch {
            results[index] = .notInstance(Self.reason(error))
        }
        inspector = nil
    }

    private static func reason(_ error: any Error) -> String {
        if let rejection = error as? PartRejection { return rejection.comment }
        return "not a DICOM Part-10 instance: \(error)"
    }
}
