// Goal: `tessera bench dimse --quick` runs end to end — generated studies, node and Orthanc with their DICOM
// servers, dcmtk's storescu, getscu and movescu, the bench's C-FIND client and storage sink, the large-instance RSS —
// and prints every row of its table. Method: the real executable in a temporary folder; only the table's shape is
// checked, never a timing (the machine is noisy).
import Foundation
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/getscu")))
struct DIMSEBenchTests {
    /// The figures every run prints, in order.
    static let figures = [
        "C-STORE, ", "C-GET of the study", "C-MOVE of the study", "C-FIND study search p50 / p99",
        "peak RSS of the node", "its ingest rate",
    ]

    @Test("bench dimse --quick prints every row of its table and leaves no server running")
    func quickRunPrintsEveryRow() async throws {
        let directory = TemporaryDirectory()
        let data = directory.appending("bench")
        let outcome = try await TesseraBinary.run(["bench", "dimse", "--quick", "--data", data], seconds: 600)
        defer {
            for process in DICOMwebBenchTests.processes(mentioning: data).compactMap({ pid_t($0) }) where process > 0 {
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
        for line in lines where line.hasPrefix("C-STORE") || line.hasPrefix("C-GET") || line.hasPrefix("C-MOVE") {
            #expect(line.contains("MB/s"), "\(line)")
            #expect(line.contains("(Orthanc)") || line.contains("(no Orthanc)"), "\(line)")
        }
        #expect(!FileManager.default.fileExists(atPath: data))
        #expect(DICOMwebBenchTests.processes(mentioning: data).isEmpty)
    }
}
