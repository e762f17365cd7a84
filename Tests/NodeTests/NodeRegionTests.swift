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
    static func region(_ directory: TemporaryDirectory, ackTimeoutSeconds: Int = 30) throws -> [NodeHarness] {
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
            cluster.remoteAckTimeoutSeconds = ackTimeoutSeconds
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
        // The origin ends each outbox entry once the target's acknowledgement is back, a moment after its commit.
        let acknowledged = MembershipReactorTests.eventually(seconds: 10) {
            (try? origin.outboxSummary().depth) == 0
                && (try? Set(study.map { try origin.regionalHolders(of: $0.sopInstanceUID).count })) == [2]
        }
        #expect(acknowledged, "the origin knows both holders of every instance and its outbox is empty")
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

    @Test("ack=remote answers once another site holds the study; with the other sites gone, 202 and why")
    func remoteAck() throws {
        let directory = TemporaryDirectory()
        let nodes = try Self.region(directory, ackTimeoutSeconds: 2)
        let study = SyntheticInstance.study(seed: 62, sliceCount: 2, rows: 32, columns: 32)
        let answer = try Self.stow(study, to: nodes[0], query: "?ack=remote")
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        let catalog = nodes[0].node.catalog
        for instance in study {
            let holders = try catalog.regionalHolders(of: instance.sopInstanceUID)
            #expect(holders.count == 2, "another site committed \(instance.sopInstanceUID) before the answer")
        }
        #expect(try Self.stow(study, to: nodes[0], query: "?ack=sometimes").status == 400)
        for harness in nodes.dropFirst() { _ = harness.node.shutdown { _ in true } }
        let alone = SyntheticInstance.study(seed: 63, sliceCount: 1, rows: 16, columns: 16)
        let waited = try Self.stow(alone, to: nodes[0], query: "?ack=remote")
        #expect(waited.status == 202)
        let text = String(decoding: waited.body, as: UTF8.self)
        #expect(text.contains("no other site confirmed it within 2 s"), "\(text)")
        #expect(try catalog.instances(studyInstanceUID: alone[0].studyInstanceUID).count == 1)
    }

    /// Posts `study` through STOW-RS at `harness` with `query` on the URL.
    static func stow(_ study: [SyntheticInstance], to harness: NodeHarness, query: String) throws
        -> (status: Int, body: [UInt8])
    {
        try harness.send(
            "POST", "/dicom-web/studies" + query,
            headers: [
                ("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\(NodeStorageTests.boundary)")
            ],
            body: NodeStorageTests.multipart(study.map { $0.part10() }))
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
        let study = SyntheticInstance.study(seed: 64, sliceCount: 1, rows: 16, columns: 16)
        let refused = try Self.stow(study, to: lone, query: "?ack=remote")
        #expect(refused.status == 400)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("ack=remote needs a node in a region"))
        #expect(try lone.node.catalog.instanceCount() == 0)
    }
}
