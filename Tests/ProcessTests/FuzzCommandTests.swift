// Goal: `tessera fuzz` runs each parser's seeded hostile-input loop to the end and refuses unknown targets clearly.
// Method: run the real executable with a few thousand rounds per target and check its summary line and exit code.
import TestSupport
import Testing

@Suite(.serialized) struct FuzzCommandTests {
    @Test(
        "each fuzz target survives a seeded run and prints its summary",
        arguments: ["dicom", "http", "multipart", "pdu"])
    func seededRun(target: String) async throws {
        let result = try await TesseraBinary.run(["fuzz", target, "--seed", "11", "--rounds", "2000"])
        #expect(result.status == 0, "\(result.errorOutput)")
        #expect(result.output.hasPrefix("fuzz \(target) seed 11:"))
        #expect(result.output.contains("no crash"))
    }

    @Test("an unknown fuzz target is a usage error naming the targets")
    func unknownTarget() async throws {
        let result = try await TesseraBinary.run(["fuzz", "gossip"])
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("unknown fuzz target 'gossip'"))
        #expect(!result.showsCrash)
    }
}
