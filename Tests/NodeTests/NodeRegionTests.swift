// Goal: three nodes at three sites in three territories make one archive: a study stored at one is copied to the
// other holder placement names, bit-exact, without the client waiting, every node's QIDO-RS finds it once
// anti-entropy ran, and a stranger without the cluster's credentials is refused by the internal API.
// Method: in-process nodes (NodeHarness) serving HTTP on loopback, gossiping with fast timings, a synthetic CT study
// stored through STOW-RS at one of them.
import Catalog
import Coding
import Foundation
import Membership
import Node
import ObjectStore
import Primitives
import Replication
import Samples
import TestSupport
import Testing

@Suite(.serialized) struct NodeRegionTests {
    static let places = [("strasbourg", "alsace"), ("nancy", "lorraine"), ("reims", "champagne")]

    /// Three nodes in one region, joined through the first.
    static func region(_ directory: TemporaryDirectory) throws -> [NodeHarness] {
        let keyFile = try MembershipReactorTests.writeKeyFile(directory, name: "cluster.key")
        var nodes: [NodeHarness] = []
        for (index, (site, territory)) in places.enumerated() {
            var cluster = NodeConfiguration.Cluster(
                gossip: "127.0.0.\(61 + index):0", keyFile: keyFile,
                seeds: nodes.first.map { [$0.node.membership!.gossipAddress.description] } ?? [])
            cluster.territory = territory
            cluster.probeIntervalMilliseconds = 200
            cluster.probeTimeoutMilliseconds = 100
            cluster.gossipIntervalMilliseconds = 50
            cluster.pushPullIntervalSeconds = 2
            cluster.antiEntropyIntervalSeconds = 1
            nodes.append(
                try NodeHarness(
                    directory: directory.appending("node-\(index)"), seed: UInt64(70 + index), cluster: cluster,
                    site: site))
        }
        let joined = MembershipReactorTests.eventually(seconds: 20) {
            nodes.allSatisfy { $0.node.membership?.snapshot.count(.alive) == 3 }
        }
        guard joined else { throw HarnessFailure("the three nodes did not see each other alive in 20 s") }
        return nodes
    }

    @Test("a study stored at one site is copied to its other holder and found at every node")
    func storedStudyReachesTheRegion() throws {
        let directory = TemporaryDirectory()
        let nodes = try Self.region(directory)
        let study = SyntheticInstance.study(seed: 61, sliceCount: 4, rows: 64, columns: 64)
        try NodeStorageTests.store(study, into: nodes[0])
        let studyUID = study[0].studyInstanceUID
        let replicated = MembershipReactorTests.eventually(seconds: 20) {
            nodes.filter { harness in
                (try? harness.node.catalog.instances(studyInstanceUID: studyUID).count(where: {
                    (try? harness.node.store.manifest($0.record.manifestAddress)) != nil
                })) == study.count
            }.count == 2
        }
        #expect(replicated, "two nodes hold every instance of the study")
        let origin = nodes[0].node.catalog
        #expect(try origin.outboxSummary().depth == 0)
        let holders = try Set(study.map { try origin.regionalHolders(of: $0.sopInstanceUID).count })
        #expect(holders == [2])
        let everywhere = MembershipReactorTests.eventually(seconds: 20) {
            nodes.allSatisfy { (try? $0.node.catalog.instances(studyInstanceUID: studyUID).count) == study.count }
        }
        #expect(everywhere, "every node's catalog lists the study")
        for harness in nodes {
            let answer = try harness.send("GET", "/dicom-web/studies?StudyInstanceUID=\(studyUID)")
            #expect(answer.status == 200)
            #expect(String(decoding: answer.body, as: UTF8.self).contains(studyUID))
        }
        // The copy is bit-exact: the same manifest address, its bytes the ones stored at the origin.
        let copy = try #require(
            nodes.dropFirst().first { harness in
                (try? harness.node.catalog.regionalHolders(of: study[0].sopInstanceUID).contains(harness.node.nodeID))
                    == true
            })
        for stored in try origin.instances(studyInstanceUID: studyUID) {
            var original = MemorySink()
            var copied = MemorySink()
            try nodes[0].node.store.get(stored.record.manifestAddress, into: &original)
            try copy.node.store.get(stored.record.manifestAddress, into: &copied)
            #expect(original.bytes == copied.bytes && !copied.bytes.isEmpty)
        }
        #expect(nodes[0].node.region?.figures.delivered == study.count)

        // The node that holds nothing of the study serves it from the holders, bit-exact, headers included.
        let reader = try #require(
            nodes.first { harness in
                (try? harness.node.catalog.regionalHolders(of: study[0].sopInstanceUID).contains(harness.node.nodeID))
                    == false
            })
        try Self.expectWhole(study, from: reader)
        let metadata = try reader.send("GET", "/dicom-web/studies/\(studyUID)/metadata")
        #expect(metadata.status == 200)
        #expect((try NodeHarness.json(metadata.body) as? [Any])?.count == study.count)
        // With the copy's holder gone, the origin serves it.
        _ = copy.node.shutdown { _ in true }
        try Self.expectWhole(study, from: reader)
    }

    /// Retrieves the study at `harness` and expects every instance's bytes in the response.
    static func expectWhole(_ study: [SyntheticInstance], from harness: NodeHarness) throws {
        let answer = try harness.send("GET", "/dicom-web/studies/\(study[0].studyInstanceUID)")
        #expect(answer.status == 200, "\(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        let body = Data(answer.body)
        for instance in study {
            #expect(
                body.range(of: Data(instance.part10())) != nil, "instance \(instance.sopInstanceUID) is served whole")
        }
    }

    @Test("the internal API refuses a request without the cluster's credentials, and counts it")
    func strangerIsRefused() throws {
        let directory = TemporaryDirectory()
        let keyFile = try MembershipReactorTests.writeKeyFile(directory, name: "cluster.key")
        var cluster = NodeConfiguration.Cluster(gossip: "127.0.0.64:0", keyFile: keyFile)
        cluster.territory = "alsace"
        let harness = try NodeHarness(directory: directory.appending("node"), seed: 80, cluster: cluster)
        let answer = try harness.send("POST", "/internal/v1/catalog/digests", body: [1, 0, 1, 0, 0, 0])
        #expect(answer.status == 403)
        #expect(harness.node.region?.responder.refusals.unauthenticatedCount == 1)
        let lone = try NodeHarness(directory: directory.appending("lone"), seed: 81)
        #expect(try lone.send("POST", "/internal/v1/catalog/digests", body: [1, 0, 1, 0, 0, 0]).status == 404)
    }
}
