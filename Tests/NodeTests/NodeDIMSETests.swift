// Goal: a node with a `dimse` section answers real DICOM clients nobody here wrote: dcmtk's echoscu verifies,
// storescu stores several files on one association into the catalog (and a re-send succeeds as identical), a wrong
// called AE or an unlisted caller is rejected, and garbage on the port is aborted with nothing stored.
// Method: an in-process node on 127.0.0.1 port 0, dcmtk's tools as child processes, a raw socket for garbage.
import DICOM
import Foundation
import Node
import Posix
import Primitives
import Samples
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/storescu")))
struct NodeDIMSETests {
    static func node(_ directory: TemporaryDirectory, allowed: [String]? = nil) throws -> NodeHarness {
        var settings = NodeConfiguration.DIMSESettings(listen: "127.0.0.1:0")
        settings.allowedCallers = allowed
        return try NodeHarness(directory: directory.appending("node"), seed: 1, dimse: settings)
    }

    static func dcmtk(_ tool: String, _ arguments: [String], in directory: TemporaryDirectory) async throws
        -> ProcessOutcome
    {
        try await runCaptured(arguments, in: directory, seconds: 60, executable: "/usr/bin/" + tool)
    }

    @Test("echoscu verifies; a wrong called AE and an unlisted caller are rejected")
    func echo() async throws {
        let directory = TemporaryDirectory()
        let harness = try Self.node(directory, allowed: ["ECHOSCU"])
        let port = String(try #require(harness.node.dimsePort))
        let good = try await Self.dcmtk(
            "echoscu", ["-aet", "ECHOSCU", "-aec", "TESSERA", "127.0.0.1", port], in: directory)
        #expect(good.status == 0, "\(good.errorOutput)")
        let wrongCalled = try await Self.dcmtk(
            "echoscu", ["-aet", "ECHOSCU", "-aec", "OTHER", "127.0.0.1", port], in: directory)
        #expect(wrongCalled.status != 0)
        #expect(wrongCalled.errorOutput.contains("Called AE Title Not Recognized"), "\(wrongCalled.errorOutput)")
        let unlisted = try await Self.dcmtk(
            "echoscu", ["-aet", "STRANGER", "-aec", "TESSERA", "127.0.0.1", port], in: directory)
        #expect(unlisted.errorOutput.contains("Calling AE Title Not Recognized"), "\(unlisted.errorOutput)")
    }

    @Test("storescu stores files on one association; they are catalogued; sending them again succeeds")
    func store() async throws {
        let directory = TemporaryDirectory()
        let harness = try Self.node(directory)
        let port = String(try #require(harness.node.dimsePort))
        var files: [String] = []
        for seed in 1...5 as ClosedRange<UInt64> {
            let path = directory.appending("ct\(seed).dcm")
            let syntax: TransferSyntax = seed % 2 == 0 ? .implicitVRLittleEndian : .explicitVRLittleEndian
            try Data(GeneratedDICOM.ct(seed: seed, rows: 64, columns: 64, transferSyntax: syntax))
                .write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        for round in 1...2 {
            let outcome = try await Self.dcmtk(
                "storescu", ["-aec", "TESSERA", "127.0.0.1", port] + files, in: directory)
            #expect(outcome.status == 0, "round \(round): \(outcome.errorOutput)")
            // Each generated instance is the only one of its own study.
            let (status, body) = try harness.send("GET", "/dicom-web/studies")
            #expect(status == 200)
            let studies = try #require(try NodeHarness.json(body) as? [Any])
            #expect(studies.count == files.count, "round \(round)")
        }
    }

    /// The Part-10 files findscu extracted into `folder`, read back.
    static func responses(in folder: String) throws -> [DataSet] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("rsp") }.sorted()
        return try names.map { name in
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            return try bytes.withUnsafeBytes { try Part10Reader.read($0) }.dataSet
        }
    }

    @Test("findscu finds at every level of both models, from the catalog, with each key of the request returned")
    func find() async throws {
        let directory = TemporaryDirectory()
        let harness = try Self.node(directory)
        let port = String(try #require(harness.node.dimsePort))
        var files: [String] = []
        for seed in 1...3 as ClosedRange<UInt64> {
            let path = directory.appending("ct\(seed).dcm")
            try Data(GeneratedDICOM.ct(seed: seed)).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        let stored = try await Self.dcmtk("storescu", ["-aec", "TESSERA", "127.0.0.1", port] + files, in: directory)
        #expect(stored.status == 0, "\(stored.errorOutput)")
        let first = SyntheticInstance(seed: 1)
        let cases: [(model: String, keys: [String], count: Int)] = [
            ("-S", ["QueryRetrieveLevel=STUDY", "StudyInstanceUID", "PatientName=Doe*", "ModalitiesInStudy"], 3),
            (
                "-S", ["QueryRetrieveLevel=SERIES", "StudyInstanceUID=\(first.studyInstanceUID)", "SeriesInstanceUID"],
                1
            ),
            ("-S", ["QueryRetrieveLevel=IMAGE", "SOPInstanceUID=\(first.sopInstanceUID)", "Rows"], 1),
            ("-P", ["QueryRetrieveLevel=PATIENT", "PatientID", "PatientName"], 1),
            ("-S", ["QueryRetrieveLevel=STUDY", "StudyDate=20200101-20201231"], 0),
        ]
        for (index, query) in cases.enumerated() {
            let folder = directory.appending("find\(index)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let outcome = try await Self.dcmtk(
                "findscu",
                [query.model, "-aec", "TESSERA", "-X", "-od", folder] + query.keys.flatMap { ["-k", $0] }
                    + ["127.0.0.1", port], in: directory)
            #expect(outcome.status == 0, "\(query.keys): \(outcome.errorOutput)")
            let responses = try Self.responses(in: folder)
            #expect(responses.count == query.count, "\(query.keys): \(outcome.errorOutput)")
            if index == 2, let image = responses.first {
                #expect(image.string(.sopInstanceUID) == first.sopInstanceUID)
                #expect(image.integer(.rows) == 16)  // GeneratedDICOM.ct's size, returned as US

                #expect(image.string(.queryRetrieveLevel) == "IMAGE")
            }
            if index == 3, let patient = responses.first {
                #expect(patient.string(.patientID) == first.patientID)
                #expect(patient.string(.patientName) == first.patientName)
            }
        }
        // Study Root has no PATIENT level: the final status says the identifier does not match (A900H).
        let wrong = try await Self.dcmtk(
            "findscu", ["-v", "-S", "-aec", "TESSERA", "-k", "QueryRetrieveLevel=PATIENT", "127.0.0.1", port],
            in: directory)
        let printed = (wrong.output + wrong.errorOutput).lowercased()
        #expect(printed.contains("datasetdoesnotmatchsopclass"), "\(printed)")
    }

    @Test("garbage on the DIMSE port is aborted, and nothing is stored")
    func garbage() async throws {
        let directory = TemporaryDirectory()
        let harness = try Self.node(directory)
        let port = try #require(harness.node.dimsePort)
        let socket = try Socket.connect(host: "127.0.0.1", port: port)
        defer { socket.close() }
        let garbage: [UInt8] = [0x09, 0, 0, 0, 0, 4, 1, 2, 3, 4]
        try garbage.withUnsafeBytes { try socket.sendAll($0) }
        var answer = [UInt8](repeating: 0, count: 64)
        let deadline = MonotonicClock().now().advanced(byTicks: 10 * Instant.ticksPerSecond)
        let count = try answer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: deadline) }
        // An A-ABORT from the provider, reason "unrecognized PDU" (PS3.8 Table 9-26).
        #expect(Array(answer[..<count]) == [0x07, 0, 0, 0, 0, 4, 0, 0, 2, 1])
        let (status, body) = try harness.send("GET", "/dicom-web/studies")
        #expect(status == 204 || (status == 200 && (try? NodeHarness.json(body) as? [Any])?.isEmpty == true))
    }
}
