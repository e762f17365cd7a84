// Goal: `tessera bench dicomweb --quick` runs end to end — generated study, node and Orthanc as child processes,
// STOW-RS, WADO-RS warm and cold, QIDO-RS, the large-instance RSS — and prints every row of its table. Method: the
// real executable in a temporary folder; only the table's shape is checked, never a timing (the machine is noisy).
import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct DICOMwebBenchTests {
    /// The figures every run prints, in order.
    static let figures = [
        "STOW-RS ingest", "WADO-RS study retrieve, warm", "WADO-RS study retrieve, cold",
        "QIDO-RS study search p50 / p99", "reference: Catalog.query in-process", "peak RSS of the node",
        "its ingest rate",
    ]

    @Test("bench dicomweb --quick prints every row of its table and leaves no server running")
    func quickRunPrintsEveryRow() async throws {
        let directory = TemporaryDirectory()
        let data = directory.appending("bench")
        // A generous deadline: alone it takes about 30 s in a debug build, beside the rest of the suite on two
        // cores more than four times that.
        let outcome = try await TesseraBinary.run(["bench", "dicomweb", "--quick", "--data", data], seconds: 600)
        // A bench killed at its deadline cannot stop its servers: stop them here so they do not outlive the test.
        defer {
            for process in Self.processes(mentioning: data).compactMap({ pid_t($0) }) where process > 0 {
                kill(process, SIGKILL)
            }
        }
        #expect(outcome.status == 0, "stderr: \(outcome.errorOutput)")
        #expect(!outcome.showsCrash)
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("figure") == true, "output: \(outcome.output)")
        var remaining = lines.dropFirst(2)
        for figure in Self.figures {
            let index = remaining.firstIndex { $0.contains(figure) }
            #expect(index != nil, "no row for \(figure) in: \(outcome.output)")
            if let index { remaining = remaining[(index + 1)...] }
        }
        // Each throughput row shows a rate; a row without Orthanc says so instead of a ratio.
        for line in lines where line.hasPrefix("WADO-RS") || line.hasPrefix("STOW-RS ingest") {
            #expect(line.contains("MB/s"), "\(line)")
            #expect(line.contains("(Orthanc)") || line.contains("(no Orthanc)"), "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("note: cold reads:") })
        // The scratch folder is removed, and with it the servers' data.
        #expect(!FileManager.default.fileExists(atPath: data))
        #expect(Self.processes(mentioning: data).isEmpty, "still running: \(Self.processes(mentioning: data))")
    }

    /// The ids of running processes whose command line contains `text` (the bench's node and Orthanc name their
    /// data folder under it).
    static func processes(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard entry.allSatisfy(\.isNumber),
                let bytes = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return false }
            return String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }
}
