// Goal: `tessera node --data` answers DIMSE by default and says where: its DIMSE line names the AE title and port,
// and dcmtk's echoscu verifies against them; a C-CANCEL ends a C-FIND with Cancel (FE00) and the association goes on.
// Method: the real executable with `--dimse 127.0.0.1:0` (the tests' stand-in for the default 4242), its printed
// line parsed, echoscu and storescu run against it; the bench's C-FIND client sends a C-FIND and its C-CANCEL in one
// write, so the cancel is there before the node sends its first match (dcmtk's `findscu --cancel` races the node).
import DICOM
import DIMSE
import Foundation
import TestSupport
import Testing

@testable import Bench

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/echoscu")))
struct DIMSEProcessTests {
    /// Starts a `--data` node in `directory` and reads the DIMSE port from the line it prints.
    static func start(_ directory: TemporaryDirectory) async throws -> (node: NodeProcess, port: String) {
        let node = try await NodeProcess.start(["--data", directory.appending("data"), "--http", "127.0.0.1:0"])
        let line = try #require(node.process.outputLines.first { $0.hasPrefix("DIMSE: AE TESSERA on 127.0.0.1:") })
        let port = try #require(line.split(separator: " ")[4].split(separator: ":").last.map(String.init))
        #expect(Int(port) != nil && Int(port) != 0, "\(line)")
        return (node, port)
    }

    @Test("a --data node prints its DIMSE line, and echoscu verifies on that port")
    func echo() async throws {
        let directory = TemporaryDirectory()
        let (node, port) = try await Self.start(directory)
        let echo = try await runCaptured(
            ["-aec", "TESSERA", "127.0.0.1", port], in: directory, seconds: 60, executable: "/usr/bin/echoscu")
        #expect(echo.status == 0, "\(echo.errorOutput)")
        #expect(await node.stop().status == 0)
    }

    @Test("a C-CANCEL right behind a C-FIND ends it with Cancel and no match; the next C-FIND finds every study")
    func cancelledFind() async throws {
        let directory = TemporaryDirectory()
        let node = try await NodeProcess.start(["--data", directory.appending("data"), "--http", "127.0.0.1:0"])
        let line = try #require(node.process.outputLines.first { $0.hasPrefix("DIMSE: AE TESSERA on 127.0.0.1:") })
        let port = try #require(line.split(separator: " ")[4].split(separator: ":").last.map(String.init))
        // Each generated instance is the only one of its own study.
        var files: [String] = []
        for seed in 1...4 as ClosedRange<UInt64> {
            let path = directory.appending("ct\(seed).dcm")
            try Data(GeneratedDICOM.ct(seed: seed, rows: 16, columns: 16)).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        let store = try await runCaptured(
            ["-aec", "TESSERA", "127.0.0.1", port] + files, in: directory, seconds: 60,
            executable: "/usr/bin/storescu")
        #expect(store.status == 0, "\(store.errorOutput)")
        let identifier = DataSet([
            DataElement(tag: .queryRetrieveLevel, vr: .CS, text: "STUDY"),
            DataElement(tag: .studyInstanceUID, vr: .UI, text: ""),
        ])
        let (cancelled, found) = try await runOnOwnedThread {
            Result { () throws -> ((matches: Int, status: UInt16), Int) in
                var client = try BenchFindClient(port: Int(port) ?? 0, calledAETitle: "TESSERA")
                defer { client.release() }
                return (try client.findCancelled(identifier), try client.find(identifier))
            }
        }.get()
        #expect(cancelled.status == DIMSEStatus.cancel && cancelled.matches == 0, "\(cancelled)")
        #expect(found == files.count)
        #expect(await node.stop().status == 0)
    }
}
