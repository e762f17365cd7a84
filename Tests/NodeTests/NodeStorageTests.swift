// Goal: instances stored through a node are versioned by its HLC with its own node id at the injected wall clock
// (monotonic when that clock steps back), and a STOW-RS then QIDO-RS round trip works through the node's
// responder. Method: an in-process ArchiveNode with a seeded random source and a manual wall clock; synthetic CT
// instances posted as multipart/related; the catalog read back directly.
import Catalog
import DICOM
import Foundation
import Node
import Primitives
import Samples
import TestSupport
import Testing

@Suite struct NodeStorageTests {
    static let boundary = "node-test-boundary-5c2a"

    /// A STOW-RS body with one part per instance.
    static func multipart(_ instances: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        for instance in instances {
            bytes += Array("--\(boundary)\r\nContent-Type: application/dicom\r\n\r\n".utf8) + instance
            bytes += Array("\r\n".utf8)
        }
        return bytes + Array("--\(boundary)--\r\n".utf8)
    }

    /// Stores `instances` through the node's STOW-RS and expects them all accepted: 200, or `status` (202 when
    /// they are all stored already).
    static func store(_ instances: [SyntheticInstance], into harness: NodeHarness, status: Int = 200) throws {
        let response = try harness.send(
            "POST", "/dicom-web/studies",
            headers: [("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\(boundary)")],
            body: multipart(instances.map { $0.part10() }))
        #expect(response.status == status, "\(String(decoding: response.body, as: UTF8.self))")
    }

    @Test("HLC versions carry the node id and follow the injected wall clock, never going back")
    func versionsFollowWallClock() throws {
        let directory = TemporaryDirectory()
        let harness = try NodeHarness(directory: directory.path, seed: 7)
        let study = SyntheticInstance.study(seed: 41, sliceCount: 3, rows: 8, columns: 8)
        let start = NodeHarness.startMilliseconds
        try Self.store([study[0]], into: harness)
        harness.wallClock.set(start + 5_000)
        try Self.store([study[1]], into: harness)
        harness.wallClock.set(start - 60_000)  // the wall clock steps back a minute
        try Self.store([study[2]], into: harness)

        let stored = try harness.node.catalog.instances(studyInstanceUID: study[0].studyInstanceUID)
        let versions = study.map { instance in
            stored.first { $0.sopInstanceUID == instance.sopInstanceUID }?.record.version
        }
        #expect(
            versions == [
                HLCTimestamp(physicalMilliseconds: start, logical: 0, nodeID: harness.node.nodeID),
                HLCTimestamp(physicalMilliseconds: start + 5_000, logical: 0, nodeID: harness.node.nodeID),
                HLCTimestamp(physicalMilliseconds: start + 5_000, logical: 1, nodeID: harness.node.nodeID),
            ])
        #expect(stored.allSatisfy { $0.record.originSite.name == "test-site" })
    }

    @Test("a STOW-RS upload is found by QIDO-RS through the node's responder, and survives a restart")
    func storeThenSearch() throws {
        let directory = TemporaryDirectory()
        let study = SyntheticInstance.study(
            seed: 42, patientID: "NODE-TEST-1", seriesCount: 2, sliceCount: 2, rows: 8, columns: 8)
        do {
            let harness = try NodeHarness(directory: directory.path, seed: 8)
            try Self.store(study, into: harness)
        }
        let harness = try NodeHarness(directory: directory.path, seed: 8)
        let found = try harness.send("GET", "/dicom-web/studies?PatientID=NODE-TEST-1")
        #expect(found.status == 200, "\(String(decoding: found.body, as: UTF8.self))")
        let studies = try #require(try NodeHarness.json(found.body) as? [[String: Any]])
        #expect(studies.count == 1)
        let uid = (studies.first?["0020000D"] as? [String: Any])?["Value"] as? [String]
        #expect(uid == [study[0].studyInstanceUID])
        let count = (studies.first?["00201208"] as? [String: Any])?["Value"] as? [Int]
        #expect(count == [study.count])
        let none = try harness.send("GET", "/dicom-web/studies?PatientID=SOMEONE-ELSE")
        #expect(none.status == 200 || none.status == 204)
        if none.status == 200 { #expect((try NodeHarness.json(none.body) as? [Any])?.isEmpty == true) }
    }
}
