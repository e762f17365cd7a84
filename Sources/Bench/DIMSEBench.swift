// `tessera bench dimse`: our node against Orthanc over DIMSE in the same run, with dcmtk's tools as the clients
// (storescu, getscu, movescu) and the bench's own C-FIND client and storage sink: C-STORE of a CT study on one
// association, C-FIND study searches at 100,000 catalogued instances, C-GET and C-MOVE of the study, and the
// node's peak RSS while one 2 GiB instance arrives by C-STORE.
import Catalog
import Foundation
import Glibc
import Node
import Posix

/// The DIMSE benchmark.
public struct DIMSEBench {
    /// How much the bench does.
    public struct Settings: Sendable {
        /// Slices of the CT study (512 × 512 × 16-bit).
        public var sliceCount: Int
        /// Timed rounds of each figure; C-STORE stores a new study each round.
        public var roundCount: Int
        /// Studies of 100 instances catalogued before the searches.
        public var catalogStudyCount: Int
        /// C-FIND searches timed.
        public var searchCount: Int
        /// The size of the instance whose C-STORE the peak RSS is measured on.
        public var largeInstanceBytes: Int64

        /// The figures the issue asks for: 300 slices, 100,000 instances, 2 GiB.
        public static let full = Settings(
            sliceCount: 300, roundCount: 3, catalogStudyCount: 1_000, searchCount: 1_000,
            largeInstanceBytes: 2 << 30)
        /// A quick run that checks the bench itself works.
        public static let quick = Settings(
            sliceCount: 20, roundCount: 1, catalogStudyCount: 20, searchCount: 100, largeInstanceBytes: 64 << 20)
    }

    /// Targets of the issue.
    static let storeRatioMin = 3.0
    static let retrieveRatioMin = 2.0
    static let findP50MillisecondsMax = 2.0
    static let peakResidentBytesMax: Int64 = 128 << 20
    /// The CT's matrix.
    static let matrix = 512
    /// Our node's AE title.
    static let aeTitle = "TESSERA"

    let settings: Settings
    /// The scratch folder: studies, the servers' data, their logs. The caller removes it.
    let directory: String

    /// Makes the bench with `settings`, its scratch files in `directory`.
    public init(settings: Settings, directory: String) {
        self.settings = settings
        self.directory = directory
    }

    /// The two servers and the sink.
    struct Servers {
        let node: ChildProcess
        let nodePort: Int
        let orthanc: ChildProcess?
        let orthancPort: Int?
        let sink: BenchStorageSink

        func stop() {
            node.stop()
            orthanc?.stop()
            sink.stop()
        }
    }

    /// Runs every figure and returns the table's lines followed by its notes.
    public func run() throws -> [String] {
        // dcmtk (storescu, getscu, movescu, and Orthanc's DICOM side) turns Nagle off unless this says 0.
        setenv("TCP_NODELAY", "1", 1)
        try PosixDisk().makeDirectory(directory)
        var table = BenchTable()
        var notes: [String] = []
        let nodeData = directory + "/node"
        try PosixDisk().makeDirectory(nodeData)
        let catalogBench = CatalogQueryBench(
            directory: nodeData, studyCount: settings.catalogStudyCount, searchCount: settings.searchCount)
        Console.error("filling the node's catalog with \(settings.catalogStudyCount * 100) instances…")
        // Closed (released) before the node opens it.
        let (fillSeconds, catalogued) = try {
            let catalog = try Catalog.open(path: nodeData + "/catalog.sqlite")
            return (try catalogBench.fill(catalog), try catalog.instanceCount())
        }()

        let missingOrthanc = OrthancServer.ensureInstalled()
        let servers = try start(nodeData: nodeData, withOrthanc: missingOrthanc == nil)
        defer { servers.stop() }
        if let missingOrthanc {
            notes.append(missingOrthanc)
        } else {
            notes.append("reference: Orthanc 1.10 (Debian) with its DICOM server, TCP_NODELAY on for every process")
        }
        notes.append("clients: dcmtk's storescu, getscu --ignore and movescu; C-MOVE to the bench's storage sink")
        notes.append(
            "ceilings and references: storescu into the bench's sink, a storage SCP that keeps nothing, with "
                + "Orthanc's time over theirs as the ratio; under C-STORE the best any server could reach, under "
                + "C-GET and C-MOVE the pace of dcmtk moving the same instances one at a time on one association")
        var studies: [BenchStudy] = []
        var storeRounds = BenchRounds()
        for round in 0..<settings.roundCount {
            Console.error("C-STORE round \(round + 1): a new study of \(settings.sliceCount) slices into both…")
            let study = try BenchStudy.generate(
                directory: directory + "/study-\(round)", seed: 3000 + UInt64(round), sliceCount: settings.sliceCount,
                rows: Self.matrix, columns: Self.matrix)
            studies.append(study)
            try timeBoth(&storeRounds, servers, oursFirst: round % 2 == 0) { title, port in
                try dcmtk("storescu", ["-aec", title, "127.0.0.1", String(port)] + study.files.map(\.path))
            }
        }
        let study = studies[0]
        let ceilings = try measureCeilings(study, servers)
        let megabytes = Console.fixed(Double(study.totalBytes) / 1e6, digits: 0)
        table.add(
            DICOMwebBench.rateRows(
                "C-STORE, \(study.files.count) slices (\(megabytes) MB), one association", bytes: study.totalBytes,
                rounds: storeRounds, ratioMin: Self.storeRatioMin))
        table.add(Self.storeCeilingRows(ceilings, study, reference: storeRounds.best.reference, notes: &notes))
        try retrieveRows(study, servers, ceilings: ceilings, table: &table)
        try findRows(catalogBench, servers, instanceCount: catalogued, fillSeconds: fillSeconds, table: &table)
        servers.stop()
        try largeInstance(table: &table)
        return table.render() + notes.map { "note: " + $0 }
    }
}
