// Goal: C-GET and C-MOVE answer dcmtk's getscu and movescu, and pynetdicom, at every level of both models: every
// instance named comes back with its data set byte for byte as stored, over the requestor's own association
// (getscu) or a second one to pynetdicom's storescp, started by the test (movescu); an unknown destination is
// refused with A801, one that does not answer fails every sub-operation (A702), an identifier without its level's
// unique key with A900, a study the node does not hold retrieves nothing, successfully; C-CANCEL stops a C-GET.
// Method: an in-process node on 127.0.0.1 port 0 with one study of two series stored by storescu; dcmtk's tools
// as child processes writing what they receive to folders the test reads back; a pynetdicom script (Interop/python).
import DICOM
import Foundation
import Node
import Posix
import Primitives
import Samples
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/getscu")))
struct NodeDIMSERetrieveTests {
    /// A stored study: its instances and their Part-10 files by SOP Instance UID.
    struct StoredStudy {
        let instances: [SyntheticInstance]
        let files: [String: [UInt8]]
    }

    /// Stores one study (two series of three slices) through storescu.
    static func storeStudy(port: String, in directory: TemporaryDirectory) async throws -> StoredStudy {
        let instances = SyntheticInstance.study(seed: 7, seriesCount: 2, sliceCount: 3, rows: 32, columns: 32)
        var files: [String: [UInt8]] = [:]
        var paths: [String] = []
        for instance in instances {
            let bytes = instance.part10()
            let path = directory.appending("\(instance.sopInstanceUID).dcm")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            files[instance.sopInstanceUID] = bytes
            paths.append(path)
        }
        let stored = try await NodeDIMSETests.dcmtk(
            "storescu", ["-aec", "TESSERA", "127.0.0.1", port] + paths, in: directory)
        #expect(stored.status == 0, "\(stored.errorOutput)")
        return StoredStudy(instances: instances, files: files)
    }

    /// The data set of a Part-10 file: what follows its file meta group.
    static func dataSet(of file: [UInt8]) throws -> ArraySlice<UInt8> {
        let header = try file.withUnsafeBytes { try Part10Reader.read($0) }
        return file[Int(header.meta.dataSetOffset)...]
    }

    /// Checks that `folder` holds exactly the instances `uids`, each with the data set of the original file.
    static func expectReceived(_ uids: [String], in folder: String, of study: StoredStudy, _ what: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var received: [String: [UInt8]] = [:]
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let header = try bytes.withUnsafeBytes { try Part10Reader.read($0) }
            received[header.sopInstanceUID ?? name] = bytes
        }
        #expect(Set(received.keys) == Set(uids), "\(what): received \(received.keys.sorted())")
        for (uid, bytes) in received {
            let original = try #require(study.files[uid])
            let header = try bytes.withUnsafeBytes { try Part10Reader.read($0) }
            let stored = try original.withUnsafeBytes { try Part10Reader.read($0) }
            if header.transferSyntax == stored.transferSyntax {
                #expect(try dataSet(of: bytes) == dataSet(of: original), "\(what): \(uid) differs from what was stored")
            } else {
                // The receiver chose another native syntax, so the data set was transcoded: the same elements.
                #expect(header.dataSet.elements.map(\.tag) == stored.dataSet.elements.map(\.tag), "\(what): \(uid)")
                var elements = header.dataSet
                var storedElements = stored.dataSet
                elements.remove(.pixelData)
                storedElements.remove(.pixelData)
                #expect(elements == storedElements, "\(what): \(uid) in \(header.transferSyntax.name)")
                if !header.transferSyntax.isBigEndian, let pixels = header.pixelData,
                    let storedPixels = stored.pixelData
                {
                    #expect(
                        bytes[Int(pixels.offset)...].prefix(Int(pixels.length ?? 0))
                            == original[Int(storedPixels.offset)...].prefix(Int(storedPixels.length ?? 0)),
                        "\(what): pixels of \(uid)")
                }
            }
        }
    }

    @Test("getscu retrieves a study, a series, an instance and a patient; data sets come back byte for byte")
    func get() async throws {
        let directory = TemporaryDirectory()
        let harness = try NodeDIMSETests.node(directory)
        let port = String(try #require(harness.node.dimsePort))
        let study = try await Self.storeStudy(port: port, in: directory)
        let first = study.instances[0]
        let series = study.instances.filter { $0.seriesInstanceUID == first.seriesInstanceUID }
        let cases: [(model: String, keys: [String], uids: [String])] = [
            (
                "-S", ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=\(first.studyInstanceUID)"],
                study.instances.map(\.sopInstanceUID)
            ),
            (
                "-S",
                [
                    "QueryRetrieveLevel=SERIES", "StudyInstanceUID=\(first.studyInstanceUID)",
                    "SeriesInstanceUID=\(first.seriesInstanceUID)",
                ],
                series.map(\.sopInstanceUID)
            ),
            (
                "-S",
                [
                    "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=\(first.studyInstanceUID)",
                    "SeriesInstanceUID=\(first.seriesInstanceUID)", "SOPInstanceUID=\(first.sopInstanceUID)",
                ],
                [first.sopInstanceUID]
            ),
            (
                "-P", ["QueryRetrieveLevel=PATIENT", "PatientID=\(first.patientID)"],
                study.instances.map(\.sopInstanceUID)
            ),
            ("-S", ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=1.2.3.999"], []),
        ]
        for (index, query) in cases.enumerated() {
            let folder = directory.appending("get\(index)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let outcome = try await NodeDIMSETests.dcmtk(
                "getscu",
                [query.model, "-aec", "TESSERA", "-od", folder] + query.keys.flatMap { ["-k", $0] }
                    + ["127.0.0.1", port], in: directory)
            #expect(outcome.status == 0, "\(query.keys): \(outcome.errorOutput)")
            try Self.expectReceived(query.uids, in: folder, of: study, "\(query.keys)")
        }
        // An instance stored in Implicit VR Little Endian goes to getscu on its Explicit VR context, transcoded:
        // every element as stored, the pixels byte for byte.
        let implicit = SyntheticInstance(seed: 99, rows: 8, columns: 8)
        let implicitPath = directory.appending("implicit.dcm")
        try Data(implicit.part10(transferSyntax: .implicitVRLittleEndian)).write(to: URL(fileURLWithPath: implicitPath))
        let sent = try await NodeDIMSETests.dcmtk(
            "storescu", ["-xi", "-aec", "TESSERA", "127.0.0.1", port, implicitPath], in: directory)
        #expect(sent.status == 0, "\(sent.errorOutput)")
        let transcodedFolder = directory.appending("get-transcoded")
        try FileManager.default.createDirectory(atPath: transcodedFolder, withIntermediateDirectories: true)
        let transcoded = try await NodeDIMSETests.dcmtk(
            "getscu",
            [
                "-S", "-aec", "TESSERA", "-od", transcodedFolder, "-k", "QueryRetrieveLevel=IMAGE", "-k",
                "SOPInstanceUID=\(implicit.sopInstanceUID)", "127.0.0.1", port,
            ], in: directory)
        #expect(transcoded.status == 0, "\(transcoded.errorOutput)")
        let received = try FileManager.default.contentsOfDirectory(atPath: transcodedFolder)
        #expect(received.count == 1)
        if let name = received.first {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: transcodedFolder + "/" + name)))
            let header = try bytes.withUnsafeBytes { try Part10Reader.read($0) }
            let original = implicit.part10(transferSyntax: .explicitVRLittleEndian)
            #expect(header.transferSyntax == .explicitVRLittleEndian)
            #expect(try Self.dataSet(of: bytes) == Self.dataSet(of: original), "transcoded data set differs")
        }
        // A SERIES retrieve without its Series Instance UID names nothing: refused as not matching the class.
        let folder = directory.appending("get-bad")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bad = try await NodeDIMSETests.dcmtk(
            "getscu",
            ["-S", "-aec", "TESSERA", "-od", folder, "-k", "QueryRetrieveLevel=SERIES", "127.0.0.1", port],
            in: directory)
        #expect((bad.output + bad.errorOutput).contains("DataSetDoesNotMatchSOPClass"), "\(bad.errorOutput)")
    }

    /// pynetdicom's storescp (dcmtk's cannot bind to loopback only) on a free port below the kernel's ephemeral
    /// range, writing what it receives into `folder`.
    static func storescp(folder: String, in directory: TemporaryDirectory) async throws -> (Process, Int) {
        var lastError = ""
        for port in (20000..<32000).shuffled().prefix(20) {
            let process = Process()
            process.executableURL = URL(
                fileURLWithPath: ChildProcess.executablePath(named: "python3") ?? "/usr/bin/python3")
            process.arguments = [
                "-m", "pynetdicom", "storescp", "-aet", "STORESCP", "-od", folder, "-ba", "127.0.0.1", String(port),
            ]
            let log = directory.appending("storescp-\(port).log")
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try process.run()
            for _ in 0..<100 {
                let echo = try await NodeDIMSETests.dcmtk(
                    "echoscu", ["-aec", "STORESCP", "127.0.0.1", String(port)], in: directory)
                if echo.status == 0 { return (process, port) }
                lastError = echo.errorOutput + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            if process.isRunning { process.terminate() }
        }
        throw HarnessFailure("storescp did not start on any port tried: \(lastError)")
    }

    @Test("movescu moves a study to a listed storescp byte for byte; an unlisted destination is refused with A801")
    func move() async throws {
        let directory = TemporaryDirectory()
        let folder = directory.appending("moved")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (storescp, storescpPort) = try await Self.storescp(folder: folder, in: directory)
        defer {
            kill(storescp.processIdentifier, SIGKILL)
            storescp.waitUntilExit()
        }
        var settings = NodeConfiguration.DIMSESettings(listen: "127.0.0.1:0")
        // DOWN is listed, but nothing listens on its port (port 1 needs root to bind, and no test binds it).
        settings.peers = [
            .init(aeTitle: "STORESCP", host: "127.0.0.1", port: storescpPort),
            .init(aeTitle: "DOWN", host: "127.0.0.1", port: 1),
        ]
        let harness = try NodeHarness(directory: directory.appending("node"), seed: 1, dimse: settings)
        let port = String(try #require(harness.node.dimsePort))
        let study = try await Self.storeStudy(port: port, in: directory)
        let first = study.instances[0]
        let moved = try await NodeDIMSETests.dcmtk(
            "movescu",
            [
                "-S", "-aec", "TESSERA", "-aem", "STORESCP", "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyInstanceUID=\(first.studyInstanceUID)", "127.0.0.1", port,
            ], in: directory)
        #expect(moved.status == 0, "\(moved.errorOutput)")
        try Self.expectReceived(study.instances.map(\.sopInstanceUID), in: folder, of: study, "move")
        let unknown = try await NodeDIMSETests.dcmtk(
            "movescu",
            [
                "-S", "-aec", "TESSERA", "-aem", "NOWHERE", "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyInstanceUID=\(first.studyInstanceUID)", "127.0.0.1", port,
            ], in: directory)
        let said = unknown.output + unknown.errorOutput
        #expect(said.contains("MoveDestinationUnknown"), "\(said)")
        let down = try await NodeDIMSETests.dcmtk(
            "movescu",
            [
                "-S", "-aec", "TESSERA", "-aem", "DOWN", "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyInstanceUID=\(first.studyInstanceUID)", "127.0.0.1", port,
            ], in: directory)
        let downSaid = down.output + down.errorOutput
        #expect(downSaid.contains("OutOfResources"), "a destination that does not answer: \(downSaid)")
    }

    @Test("pynetdicom stores, finds at every level, gets (and cancels a get) and moves to its own SCP")
    func pynetdicom() async throws {
        let directory = TemporaryDirectory()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/python/pynetdicom_drive.py").path
        // The script listens on a port the node must know beforehand: one below the ephemeral range, tried again
        // elsewhere when taken (exit 4).
        for (attempt, scpPort) in (20000..<32000).shuffled().prefix(3).enumerated() {
            var settings = NodeConfiguration.DIMSESettings(listen: "127.0.0.1:0")
            settings.peers = [.init(aeTitle: "PYNETDICOM", host: "127.0.0.1", port: scpPort)]
            let harness = try NodeHarness(
                directory: directory.appending("node\(attempt)"), seed: 1, dimse: settings)
            let port = try #require(harness.node.dimsePort)
            let outcome = try await runCaptured(
                [
                    "PYTHONDONTWRITEBYTECODE=1", "python3", script, "--host", "127.0.0.1", "--port", String(port),
                    "--scp-port", String(scpPort),
                ], in: directory, seconds: 120, executable: "/usr/bin/env")
            if outcome.status == 4 { continue }
            #expect(outcome.status == 0, "\(outcome.output.suffix(3_000))\n\(outcome.errorOutput.suffix(3_000))")
            return
        }
        Issue.record("no free port for the script's storage SCP in three tries")
    }
}
