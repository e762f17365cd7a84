// The QIDO-RS search figure of issue 4: study-level searches over a catalog of 100,000 instances, as p50 / p99
// latency. Fills a fresh catalog in a temp directory through the batch insert, then times varied searches.
import Catalog
import Posix
import Primitives

/// Study-level search latency over a generated catalog (issue 4, "Figures": p50 ≤ 2 ms with 100,000 instances).
///
/// The catalog holds `studyCount` studies × `seriesPerStudy` series × `instancesPerSeries` instances, from a
/// seeded generator: about 0.7 patients per study (some patients have several studies), study dates spread over
/// ten years, modalities weighted as in a general hospital. The searches cycle through PatientID exact,
/// PatientName wildcard, a StudyDate range of about three months, ModalitiesInStudy and AccessionNumber, all with
/// limit 100, each timed alone through the public `Catalog.query` (planning, SQL, and building the matches).
public struct CatalogQueryBench {
    /// The figures of one run.
    public struct Result: Sendable {
        /// Instances catalogued.
        let instanceCount: Int
        /// Seconds the batch fill took.
        let fillSeconds: Double
        /// Searches timed.
        let searchCount: Int
        /// Median search latency in milliseconds.
        let p50Milliseconds: Double
        /// 99th-percentile search latency in milliseconds.
        let p99Milliseconds: Double
        /// Matches per search, on average.
        let matchCountMean: Double
        /// Median latency in milliseconds of each kind of search, in `searchKinds` order.
        let p50MillisecondsByKind: [Double]
    }

    /// The kinds of search the bench cycles through, in order.
    static let searchKinds = [
        "PatientID", "PatientName wildcard", "StudyDate range", "ModalitiesInStudy", "AccessionNumber",
    ]

    /// The target of the issue for the median.
    static let p50MillisecondsMax = 2.0
    /// Family names the generated patients draw from.
    static let familyNames = [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
        "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
        "MULLER", "SCHMITT", "MEYER", "WEBER", "KLEIN", "HOFFMANN", "WAGNER", "BAUER", "KELLER", "FISCHER",
    ]
    /// Given names the generated patients draw from.
    static let givenNames = ["JEAN", "MARIE", "PIERRE", "ANNE", "LUC", "CLAIRE", "PAUL", "SOPHIE", "LOUIS", "EMMA"]
    /// Modalities with their weights (a general hospital's mix).
    static let modalities: [(name: String, weight: Int)] = [
        ("CT", 30), ("MR", 20), ("CR", 15), ("DX", 10), ("US", 10), ("PT", 5), ("NM", 4), ("XA", 4), ("MG", 2),
    ]

    /// Where the catalog file is made; the caller removes the directory.
    let directory: String
    /// Studies of `seriesPerStudy` × `instancesPerSeries` instances.
    public var studyCount: Int
    var seriesPerStudy = 4
    var instancesPerSeries = 25
    /// Searches timed.
    public var searchCount: Int
    var seed: UInt64 = 4

    /// Makes the bench, its catalog in `directory` (which the caller removes).
    public init(directory: String, studyCount: Int = 1_000, searchCount: Int = 1_000) {
        self.directory = directory
        self.studyCount = studyCount
        self.searchCount = searchCount
    }

    /// Fills a fresh catalog in `directory` and times the searches through `Catalog.query`.
    public func run() throws -> Result {
        let catalog = try Catalog.open(path: directory + "/catalog.sqlite")
        let fillSeconds = try fill(catalog)
        return try timeSearches(instanceCount: try catalog.instanceCount(), fillSeconds: fillSeconds) {
            try catalog.query($0).count
        }
    }

    /// Inserts the generated studies into `catalog`, one batch per study, and returns the seconds it took.
    ///
    /// The same seed gives the same studies, so `tessera bench dicomweb` fills a node's catalog with exactly what
    /// `tessera bench catalog` searches in-process.
    func fill(_ catalog: Catalog) throws -> Double {
        let clock = MonotonicClock()
        var random = SeededRandom(seed: seed)
        let start = clock.now()
        var hlc = HybridLogicalClock(nodeID: NodeID(1))
        let site = try SiteID("nancy")
        for study in 0..<studyCount {
            let batch = makeStudy(study, patientCount: patientCount, site: site, random: &random).map {
                (instance: $0, version: hlc.now(physicalMilliseconds: 1_700_000_000_000 + Int64(study)))
            }
            _ = try catalog.insert(batch)
        }
        return clock.now().seconds(since: start)
    }

    /// Times `searchCount` varied study-level searches, each through `perform` (which returns its match count),
    /// after a tenth as many untimed ones that warm the caches.
    func timeSearches(instanceCount: Int, fillSeconds: Double, _ perform: (CatalogQuery) throws -> Int) throws
        -> Result
    {
        let clock = MonotonicClock()
        var random = SeededRandom(seed: seed ^ Self.searchSeedSalt)
        var latencies: [Double] = []
        var byKind = Array(repeating: [Double](), count: Self.searchKinds.count)
        var matchTotal = 0
        for number in 0..<(searchCount + searchCount / 10) {
            let query = makeSearch(number, patientCount: patientCount, random: &random)
            let start = clock.now()
            let matchCount = try perform(query)
            let milliseconds = clock.now().seconds(since: start) * 1_000
            guard number >= searchCount / 10 else { continue }  // the first tenth warms the caches
            latencies.append(milliseconds)
            byKind[number % Self.searchKinds.count].append(milliseconds)
            matchTotal += matchCount
        }
        latencies.sort()
        let kindMedians = byKind.map { $0.isEmpty ? 0 : $0.sorted()[$0.count / 2] }
        return Result(
            instanceCount: instanceCount, fillSeconds: fillSeconds, searchCount: latencies.count,
            p50Milliseconds: latencies[latencies.count / 2],
            p99Milliseconds: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            matchCountMean: Double(matchTotal) / Double(latencies.count), p50MillisecondsByKind: kindMedians)
    }

    /// Patients the generated studies belong to (about 0.7 per study).
    private var patientCount: Int { max(1, studyCount * 7 / 10) }
    /// Mixed into the seed for the searches, so they do not replay the fill's random numbers.
    private static let searchSeedSalt: UInt64 = 0x5EA2_C4E5

    /// The bench table row for `result`, named `figure` (the instance count is appended).
    static func row(_ result: Result, figure: String) -> BenchRow {
        BenchRow(
            figure: figure + " (\(result.instanceCount) instances)",
            ours: Console.fixed(result.p50Milliseconds, digits: 2) + " / "
                + Console.fixed(result.p99Milliseconds, digits: 2) + " ms",
            reference: "", ratio: nil, target: "p50 ≤ " + Console.fixed(p50MillisecondsMax, digits: 0) + " ms",
            isMet: result.p50Milliseconds <= p50MillisecondsMax)
    }

    // MARK: - Generated data

    private func patient(_ number: Int) -> (id: String, name: String, birthDate: String, sex: String) {
        let family = Self.familyNames[number % Self.familyNames.count]
        let given = Self.givenNames[(number / Self.familyNames.count) % Self.givenNames.count]
        let year = 1930 + number % 90
        return (
            "PID\(100_000 + number)", "\(family)^\(given)", "\(year)0\(1 + number % 9)1\(number % 9)",
            number % 2 == 0 ? "F" : "M"
        )
    }

    private static func date(dayIndex: Int) -> String {
        let year = 2015 + dayIndex / 360
        let month = 1 + (dayIndex % 360) / 30
        let day = 1 + dayIndex % 30
        return "\(year)" + (month < 10 ? "0" : "") + "\(month)" + (day < 10 ? "0" : "") + "\(day)"
    }

    private static func modality(_ random: inout SeededRandom) -> String {
        let total = modalities.reduce(0) { $0 + $1.weight }
        var pick = Int(random.next() % UInt64(total))
        for modality in modalities {
            if pick < modality.weight { return modality.name }
            pick -= modality.weight
        }
        return modalities[0].name
    }

    private func makeStudy(_ study: Int, patientCount: Int, site: SiteID, random: inout SeededRandom)
        -> [CatalogInstance]
    {
        let person = patient(Int(random.next() % UInt64(patientCount)))
        let studyUID = "1.2.826.0.1.3680043.10.4.\(study + 1)"
        let studyModality = Self.modality(&random)
        var attributes: [UInt32: String] = [
            CatalogTag.patientID: person.id, CatalogTag.patientName: person.name,
            CatalogTag.patientBirthDate: person.birthDate, CatalogTag.patientSex: person.sex,
            CatalogTag.studyDate: Self.date(dayIndex: Int(random.next() % 3_600)),
            CatalogTag.studyTime: "\(10 + random.next() % 10)\(10 + random.next() % 50)00",
            CatalogTag.accessionNumber: "ACC\(5_000_000 + study)", CatalogTag.studyID: "\(study)",
            CatalogTag.referringPhysicianName: "\(Self.familyNames[study % 7])^DR",
            CatalogTag.studyDescription: "\(studyModality) EXAM \(study % 40)",
            CatalogTag.studyInstanceUID: studyUID, CatalogTag.sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
            CatalogTag.rows: "512", CatalogTag.columns: "512",
        ]
        var instances: [CatalogInstance] = []
        for series in 0..<seriesPerStudy {
            attributes[CatalogTag.seriesInstanceUID] = studyUID + ".\(series + 1)"
            attributes[CatalogTag.modality] = series == 0 ? studyModality : Self.modality(&random)
            attributes[CatalogTag.seriesNumber] = "\(series + 1)"
            attributes[CatalogTag.seriesDescription] = "SERIES \(series + 1)"
            for number in 0..<instancesPerSeries {
                attributes[CatalogTag.sopInstanceUID] = studyUID + ".\(series + 1).\(number + 1)"
                attributes[CatalogTag.instanceNumber] = "\(number + 1)"
                let address = ChunkAddress(word0: random.next(), word1: random.next(), word2: 0, word3: 0)
                instances.append(
                    CatalogInstance(
                        attributes: attributes, transferSyntaxUID: "1.2.840.10008.1.2.1", manifestAddress: address,
                        lengthBytes: 526_000, originSite: site, metadata: random.bytes(512)))
            }
        }
        return instances
    }

    private func makeSearch(_ number: Int, patientCount: Int, random: inout SeededRandom) -> CatalogQuery {
        let filter: (tag: UInt32, value: String)
        switch number % Self.searchKinds.count {
        case 0: filter = (CatalogTag.patientID, patient(Int(random.next() % UInt64(patientCount))).id)
        case 1:
            let family = Self.familyNames[Int(random.next() % UInt64(Self.familyNames.count))]
            filter = (CatalogTag.patientName, String(family.prefix(3)) + "*^" + "J*")
        case 2:
            let first = Int(random.next() % 3_500)
            filter = (CatalogTag.studyDate, Self.date(dayIndex: first) + "-" + Self.date(dayIndex: first + 90))
        case 3: filter = (CatalogTag.modalitiesInStudy, Self.modality(&random))
        default: filter = (CatalogTag.accessionNumber, "ACC\(5_000_000 + Int(random.next() % UInt64(studyCount)))")
        }
        return CatalogQuery(level: .study, filters: [filter], limit: 100)
    }
}

extension CatalogQueryBench {
    /// The table of `result` and a note with the fill time and each kind's median, as lines.
    public static func report(_ result: Result) -> [String] {
        var table = BenchTable()
        table.add(row(result, figure: "Catalog.query study search p50 / p99"))
        let medians = zip(searchKinds, result.p50MillisecondsByKind).map { "\($0) \(Console.fixed($1, digits: 2))" }
        return table.render() + [
            "note: fill \(Console.fixed(result.fillSeconds, digits: 1)) s; p50 by kind (ms): "
                + medians.joined(separator: ", ")
        ]
    }
}
