// Goal: a node's id is drawn once from the injected random source, kept in DIR/node-id across restarts, refused
// (never replaced) when damaged, the same for the same seed, and shown in /healthz to readers only. Method: real
// ArchiveNodes in-process on temp directories with seeded random sources; requests go straight to the responder.
import Foundation
import Node
import Posix
import Primitives
import TestSupport
import Testing

@Suite struct NodeIdentityTests {
    @Test("the node id is created on first start, written as 16 hex digits, and kept across a restart")
    func keptAcrossRestart() throws {
        let directory = TemporaryDirectory()
        let first = try NodeHarness(directory: directory.path, seed: 11).node.nodeID
        let path = NodeIdentity.path(directory.path)
        let text = String(decoding: try PosixDisk().readWholeFile(path, limit: 64), as: UTF8.self)
        #expect(text == first.description + "\n")
        #expect(first.description.utf8.count == 16)
        // Another seed at restart: the kept id wins, nothing is drawn over it.
        let second = try NodeHarness(directory: directory.path, seed: 99).node.nodeID
        #expect(second == first)
        #expect(String(decoding: try PosixDisk().readWholeFile(path, limit: 64), as: UTF8.self) == text)
    }

    @Test("the same seed gives the same node id and volume ids; another seed gives others")
    func seedDecidesIdentity() throws {
        let directories = (0..<3).map { _ in TemporaryDirectory() }
        let ids = try zip(directories, [5, 5, 6] as [UInt64]).map { directory, seed in
            try NodeHarness(directory: directory.path, seed: seed).node.nodeID
        }
        #expect(ids[0] == ids[1])
        #expect(ids[0] != ids[2])
        let volumeIdentities = try directories.map { directory in
            try PosixDisk().readWholeFile(directory.appending("volumes/0/volume.json"), limit: 4096)
        }
        #expect(volumeIdentities[0] == volumeIdentities[1])
        #expect(volumeIdentities[0] != volumeIdentities[2])
    }

    @Test(
        "a damaged node-id file stops the start with a message naming it, and is left as it was",
        arguments: ["", "xyz\n", "0123456789abcde\n", "0123456789abcdef0\n", "0000000000000000\n", "+123456789abcdef"])
    func damagedFileRefused(content: String) throws {
        let directory = TemporaryDirectory()
        _ = try NodeHarness(directory: directory.path, seed: 3)
        let path = NodeIdentity.path(directory.path)
        try PosixDisk().writeWholeFileAtomically(path, bytes: Array(content.utf8))
        #expect {
            _ = try NodeHarness(directory: directory.path, seed: 3)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("does not hold a node id")
        }
        #expect(try PosixDisk().readWholeFile(path, limit: 64) == Array(content.utf8))
    }

    @Test("/healthz shows the node id to a reader and only the status to anyone else")
    func healthShowsNodeID() throws {
        let directory = TemporaryDirectory()
        let harness = try NodeHarness(directory: directory.path, seed: 21, allowsAnonymous: false)
        let figures = try harness.send(
            "GET", "/healthz", headers: [("Authorization", "Bearer \(NodeHarness.readToken)")])
        #expect(figures.status == 200)
        let report = try #require(try NodeHarness.json(figures.body) as? [String: Any])
        #expect(report["nodeID"] as? String == harness.node.nodeID.description)
        #expect(report["site"] as? String == "test-site")
        let summary = try harness.send("GET", "/healthz")
        #expect(summary.status == 200)
        let shown = try #require(try NodeHarness.json(summary.body) as? [String: Any])
        #expect(shown["nodeID"] == nil)
        #expect(shown["status"] as? String == "ok")
    }
}
