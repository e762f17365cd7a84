// The phases of `tessera bench dimse`: starting both servers and the sink, timing a dcmtk tool against each,
// C-GET and C-MOVE rounds, the C-FIND searches, and the peak RSS of a fresh node under a large C-STORE.
import Catalog
import DICOM
import Foundation
import Node
import Posix

extension DIMSEBench {
    /// Starts the sink, our node on `nodeData` (its DIMSE on a free port, the sink its move destination) and,
    /// when `withOrthanc`, Orthanc with the same destination.
    func start(nodeData: String, withOrthanc: Bool) throws -> Servers {
        let sink = try BenchStorageSink()
        var configuration = NodeConfiguration(dataDirectory: nodeData, http: "127.0.0.1:0")
        configuration.readCacheBytes = BenchServers.readCacheBytes
        var dimse = NodeConfiguration.DIMSESettings(listen: "127.0.0.1:0")
        dimse.peers = [.init(aeTitle: BenchStorageSink.aeTitle, host: "127.0.0.1", port: sink.port)]
        configuration.dimse = dimse
        let path = directory + "/node.json"
        try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: path))
        let node = try ChildProcess(
            name: "node", executable: ChildProcess.tesseraExecutable, arguments: ["node", "--config", path],
            logDirectory: directory)
        let line = try node.waitForLine(containing: "DIMSE: AE", seconds: 120)
        guard let after = line.range(of: "127.0.0.1:"),
            let port = Int(line[after.upperBound...].prefix { $0.isNumber })
        else { throw node.failure("printed a DIMSE line without a port: \(line)") }
        var orthanc: (process: ChildProcess, origin: String, dicomPort: Int?)?
        if withOrthanc {
            orthanc = try OrthancServer.start(
                directory: directory + "/orthanc", storageCacheBytes: BenchServers.readCacheBytes,
                moveDestinations: [BenchStorageSink.aeTitle: sink.port])
        }
        return Servers(
            node: node, nodePort: port, orthanc: orthanc?.process, orthancPort: orthanc?.dicomPort, sink: sink)
    }

    /// Runs a dcmtk tool to its end and returns its seconds; throws with its output unless it exits 0.
    @discardableResult
    func dcmtk(_ tool: String, _ arguments: [String]) throws -> Double {
        let log = directory + "/\(tool).log"
        let outcome = try TimedRun.run("/usr/bin/" + tool, arguments, logPath: log)
        guard outcome.status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw BenchError(
                "\(tool) \(arguments.prefix(8).joined(separator: " ")) exited \(outcome.status): "
                    + String(output.suffix(600)))
        }
        return outcome.seconds
    }

    /// Runs `body` (which returns its seconds) against our node and Orthanc (when running), in the order `oursFirst`
    /// says.
    func timeBoth(
        _ rounds: inout BenchRounds, _ servers: Servers, oursFirst: Bool, _ body: (String, Int) throws -> Double
    ) throws {
        var order: [(String, Int, Bool)] = [(Self.aeTitle, servers.nodePort, true)]
        if let port = servers.orthancPort {
            let reference = (OrthancServer.dicomAETitle, port, false)
            order = oursFirst ? order + [reference] : [reference] + order
        }
        for (title, port, isOurs) in order {
            let seconds = try body(title, port)
            if isOurs { rounds.addOurs(seconds) } else { rounds.addReference(seconds) }
        }
    }

    /// C-GET (getscu, nothing written) and C-MOVE (to the sink) of `study`, rounds each; every moved instance is
    /// checked to have arrived.
    func retrieveRows(_ study: BenchStudy, _ servers: Servers, ceilings: Ceilings, table: inout BenchTable) throws {
        let keys = ["-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=\(study.studyInstanceUID)"]
        var get = BenchRounds()
        var move = BenchRounds()
        let destinations = servers.orthancPort == nil ? 1 : 2
        for round in 0..<settings.roundCount {
            Console.error("C-GET and C-MOVE round \(round + 1)…")
            try timeBoth(&get, servers, oursFirst: round % 2 == 0) { title, port in
                try dcmtk("getscu", ["-S", "--ignore", "-aec", title] + keys + ["127.0.0.1", String(port)])
            }
            let before = servers.sink.instanceCount
            try timeBoth(&move, servers, oursFirst: round % 2 == 0) { title, port in
                try dcmtk(
                    "movescu",
                    ["-S", "-aec", title, "-aem", BenchStorageSink.aeTitle] + keys + ["127.0.0.1", String(port)])
            }
            let arrived = servers.sink.instanceCount - before
            guard arrived == study.files.count * destinations else {
                throw BenchError("C-MOVE delivered \(arrived) instances, not \(study.files.count * destinations)")
            }
        }
        let dcmtkPace = "  reference: storescu into an SCP that keeps nothing"
        table.add(
            DICOMwebBench.rateRows(
                "C-GET of the study (getscu --ignore)", bytes: study.totalBytes, rounds: get,
                ratioMin: Self.retrieveRatioMin))
        table.add(Self.ceilingRow(dcmtkPace, study, seconds: ceilings.sinkSeconds, reference: get.best.reference))
        table.add(
            DICOMwebBench.rateRows(
                "C-MOVE of the study to a storage SCP", bytes: study.totalBytes, rounds: move,
                ratioMin: Self.retrieveRatioMin))
        table.add(Self.ceilingRow(dcmtkPace, study, seconds: ceilings.sinkSeconds, reference: move.best.reference))
    }

    /// Study-level C-FIND searches on one association each: ours over the filled catalog, Orthanc over what it
    /// holds (the bench's studies only).
    func findRows(
        _ bench: CatalogQueryBench, _ servers: Servers, instanceCount: Int, fillSeconds: Double,
        table: inout BenchTable
    ) throws {
        Console.error("C-FIND: \(settings.searchCount) study searches on one association…")
        var client = try BenchFindClient(port: servers.nodePort, calledAETitle: Self.aeTitle)
        let ours = try bench.timeSearches(instanceCount: instanceCount, fillSeconds: fillSeconds) {
            try client.find(Self.identifier($0))
        }
        client.release()
        var reference: CatalogQueryBench.Result?
        if let port = servers.orthancPort {
            var orthanc = try BenchFindClient(port: port, calledAETitle: OrthancServer.dicomAETitle)
            reference = try bench.timeSearches(instanceCount: 0, fillSeconds: 0) {
                try orthanc.find(Self.identifier($0))
            }
            orthanc.release()
        }
        let stored = settings.sliceCount * settings.roundCount
        table.add(
            BenchRow(
                figure: "C-FIND study search p50 / p99 (\(instanceCount) instances)",
                ours: Console.fixed(ours.p50Milliseconds, digits: 2) + " / "
                    + Console.fixed(ours.p99Milliseconds, digits: 2) + " ms",
                reference: reference.map {
                    Console.fixed($0.p50Milliseconds, digits: 2) + " / " + Console.fixed($0.p99Milliseconds, digits: 2)
                        + " ms (Orthanc, \(stored) instances)"
                } ?? "- (no Orthanc)", ratio: reference.map { $0.p50Milliseconds / ours.p50Milliseconds },
                target: "p50 ≤ " + Console.fixed(Self.findP50MillisecondsMax, digits: 0) + " ms",
                isMet: ours.p50Milliseconds <= Self.findP50MillisecondsMax))
    }

    /// A C-FIND identifier for one of the catalog bench's searches: its filters, and the keys a study list shows.
    static func identifier(_ query: CatalogQuery) -> DataSet {
        var elements = [DataElement(tag: .queryRetrieveLevel, vr: .CS, text: "STUDY")]
        var tags = Set<DICOMTag>()
        for filter in query.filters {
            let tag = DICOMTag(filter.tag)
            tags.insert(tag)
            elements.append(DataElement(tag: tag, vr: DataDictionary.vr(for: tag), text: filter.value))
        }
        for tag in [DICOMTag.studyInstanceUID, .patientName, .patientID, .studyDate, .accessionNumber]
        where !tags.contains(tag) {
            elements.append(DataElement(tag: tag, vr: DataDictionary.vr(for: tag), text: ""))
        }
        return DataSet(elements)
    }

    /// The peak RSS of a fresh node while one large instance arrives by C-STORE (storescu).
    func largeInstance(table: inout BenchTable) throws {
        let size = Console.bytes(settings.largeInstanceBytes)
        Console.error("peak RSS: one \(size) instance through C-STORE into a fresh node…")
        let path = directory + "/large.dcm"
        try GeneratedInstanceBody.writeFile(path: path, pixelBytes: settings.largeInstanceBytes, seed: 11)
        defer { unlink(path) }
        try PosixDisk().makeDirectory(directory + "/rss/node")
        let servers = try DIMSEBench(settings: settings, directory: directory + "/rss").start(
            nodeData: directory + "/rss/node", withOrthanc: false)
        defer { servers.stop() }
        let seconds = try dcmtk("storescu", ["-aec", Self.aeTitle, "127.0.0.1", String(servers.nodePort), path])
        guard let peak = servers.node.peakResidentBytes() else {
            throw BenchError("cannot read VmHWM of the node (pid \(servers.node.pid)) in /proc")
        }
        table.add(
            BenchRow(
                figure: "peak RSS of the node, one \(size) instance via C-STORE", ours: Console.bytes(peak),
                reference: "", ratio: nil, target: "≤ " + Console.bytes(Self.peakResidentBytesMax),
                isMet: peak <= Self.peakResidentBytesMax))
        table.add(
            BenchRow(
                figure: "  its ingest rate",
                ours: BenchTable.megabytesPerSecond(Double(settings.largeInstanceBytes) / seconds), reference: "",
                ratio: nil, target: "", isMet: nil))
    }
}
