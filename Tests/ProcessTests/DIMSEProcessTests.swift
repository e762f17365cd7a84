// Goal: `tessera node --data` answers DIMSE by default and says where: its DIMSE line names the AE title and port,
// and dcmtk's echoscu verifies against them. Method: the real executable with `--dimse 127.0.0.1:0` (the tests'
// stand-in for the default 4242), its printed line parsed, echoscu run against it.
import Foundation
import TestSupport
import Testing

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/echoscu")))
struct DIMSEProcessTests {
    @Test("a --data node prints its DIMSE line, and echoscu verifies on that port")
    func echo() async throws {
        let directory = TemporaryDirectory()
        let node = try await NodeProcess.start(["--data", directory.appending("data"), "--http", "127.0.0.1:0"])
        let line = try #require(node.process.outputLines.first { $0.hasPrefix("DIMSE: AE TESSERA on 127.0.0.1:") })
        let port = try #require(line.split(separator: " ")[4].split(separator: ":").last.map(String.init))
        #expect(Int(port) != nil && Int(port) != 0, "\(line)")
        let echo = try await runCaptured(
            ["-aec", "TESSERA", "127.0.0.1", port], in: directory, seconds: 60, executable: "/usr/bin/echoscu")
        #expect(echo.status == 0, "\(echo.errorOutput)")
        #expect(await node.stop().status == 0)
    }
}
