// Goal: losing the catalog loses nothing. A node whose catalog.sqlite was deleted, or damaged, rebuilds it from the
// store at start, says so, and serves every study again bit-exact; `tessera check` compares catalog and store;
// `tessera catalog rebuild` does it on demand; `gc` keeps objects no catalog row names unless --force. Method: real
// `tessera` processes on 127.0.0.1 with port 0, generated studies, a temporary data folder.
import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CatalogRecoveryProcessTests {
    @Test("a deleted or damaged catalog is rebuilt at start; check, catalog rebuild and gc --force work offline")
    func rebuildAtStartAndOffline() async throws {
        let directory = TemporaryDirectory()
        let samples = directory.appending("samples")
        let generated = try await runCaptured(
            ["samples", "--out", samples, "--studies", "3", "--seed", "11"], in: directory)
        let studies = SampleStudy.parse(generated.output)
        try #require(studies.count == 3, "\(generated.output)")
        let instanceCount = studies.reduce(0) { $0 + $1.instanceCount }
        let data = directory.appending("data")
        let node = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let stored = try await runCaptured(["store", samples, "--node", node.url], in: directory)
        #expect(stored.status == 0, "\(stored.errorOutput)")
        #expect(await node.stop().status == 0)

        let clean = try await runCaptured(["check", "--data", data], in: directory)
        #expect(clean.status == 0, "\(clean.errorOutput)")
        #expect(
            clean.output.contains(
                "instances catalogued: \(instanceCount); missing: 0; degraded: 0; objects no catalog row names: 0"),
            "\(clean.output)")

        // The catalog deleted while stopped: the next start rebuilds it and says so.
        for suffix in ["", "-wal", "-shm"]
        where FileManager.default.fileExists(atPath: data + "/catalog.sqlite" + suffix) {
            try FileManager.default.removeItem(atPath: data + "/catalog.sqlite" + suffix)
        }
        #expect(!FileManager.default.fileExists(atPath: data + "/catalog.sqlite"))
        try await expectRebuiltAtStart(
            data: data, studies: studies, samples: samples, directory: directory, reason: "is missing",
            instanceCount: instanceCount)

        // Damaged: not a database any more. Rebuilt too, the damaged file kept aside.
        // (Its write-ahead log goes too: SQLite would read every page it holds from there, not from the file.)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: data + "/catalog.sqlite" + suffix) {
            try FileManager.default.removeItem(atPath: data + "/catalog.sqlite" + suffix)
        }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: data + "/catalog.sqlite"))
        try await expectRebuiltAtStart(
            data: data, studies: studies, samples: samples, directory: directory, reason: "catalog.sqlite",
            instanceCount: instanceCount)
        #expect(FileManager.default.fileExists(atPath: data + "/catalog.sqlite.before-rebuild"))

        // An object that is not an instance: gc keeps it, check lists it, a rebuild skips it, gc --force deletes it.
        let note = directory.appending("note.txt")
        try Data("an operator's note, not DICOM".utf8).write(to: URL(fileURLWithPath: note))
        let put = try await runCaptured(["put", note, "--data", data], in: directory)
        #expect(put.status == 0, "\(put.errorOutput)")
        let kept = try await runCaptured(["gc", "--data", data], in: directory)
        #expect(kept.status == 0 && kept.errorOutput.contains("kept 1 objects no catalog row names"), "\(kept)")
        let listed = try await runCaptured(["check", "--data", data], in: directory)
        #expect(listed.status == 0 && listed.output.contains("objects no catalog row names: 1"), "\(listed.output)")
        let rebuilt = try await runCaptured(["catalog", "rebuild", "--data", data], in: directory)
        #expect(rebuilt.status == 0, "\(rebuilt.errorOutput)")
        #expect(rebuilt.output.contains("rebuilt: \(instanceCount) instances from \(instanceCount + 1) objects"))
        #expect(rebuilt.output.contains("1 objects are not DICOM instances"), "\(rebuilt.output)")
        #expect(rebuilt.output.contains("previous catalog is kept as \(data)/catalog.sqlite.before-rebuild-2"))
        let forced = try await runCaptured(["gc", "--data", data, "--force"], in: directory)
        #expect(forced.status == 0 && forced.output.contains("deleted 1 objects"), "\(forced.output)")
        let after = try await runCaptured(["check", "--data", data], in: directory)
        #expect(after.output.contains("objects no catalog row names: 0"), "\(after.output)")
    }

    /// Starts a node on `data`, expects the rebuild lines naming `reason`, every study found and one fetched
    /// bit-exact, then stops it.
    func expectRebuiltAtStart(
        data: String, studies: [SampleStudy], samples: String, directory: TemporaryDirectory, reason: String,
        instanceCount: Int
    ) async throws {
        let node = try await NodeProcess.start(["--data", data, "--http", "127.0.0.1:0"])
        let found = try await runCaptured(["find", "--node", node.url, "--json"], in: directory)
        #expect((try JSONSerialization.jsonObject(with: Data(found.output.utf8)) as? [Any])?.count == studies.count)
        let target = directory.appending("fetched-\(UInt32.random(in: 0...UInt32.max))")
        let fetched = try await runCaptured(
            ["fetch", "--study", studies[1].studyUID, "--out", target, "--node", node.url], in: directory)
        #expect(fetched.status == 0, "\(fetched.errorOutput)")
        for relative in files(under: samples + "/" + studies[1].studyUID) {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: target + "/" + relative, andPath: samples + "/" + studies[1].studyUID + "/" + relative))
        }
        let outcome = await node.stop()
        #expect(outcome.status == 0)
        #expect(outcome.errorOutput.contains("catalog: rebuilding from the store: "), "\(outcome.errorOutput)")
        #expect(outcome.errorOutput.contains(reason), "\(outcome.errorOutput)")
        #expect(
            outcome.errorOutput.contains("catalog: rebuilt: \(instanceCount) instances from \(instanceCount) objects"),
            "\(outcome.errorOutput)")
        #expect(!FileManager.default.fileExists(atPath: data + "/catalog.rebuilding"))
    }
}
