// Goal: three nodes at three sites in three territories make one archive: a study stored at one is copied to the
// other holder placement names, bit-exact, without the client waiting, every node's QIDO-RS finds it once
// anti-entropy ran, and a stranger without the cluster's credentials is refused by the internal API.
// Method: in-process nodes (NodeHarness) serving HTTP on loopback, their internal API over mutual TLS with
// certificates of a CA made for the test, gossiping with fast timings, a synthetic CT study stored through STOW-RS
// at one of them.
import Catalog
import Coding
import Foundation
import Membership
import Node
import ObjectStore
import Primitives
import Replication
import Samples
import Synchronization
import TestSupport
import Testing

@Suite(.serialized) struct NodeRegionTests {
    static let places = [("strasbourg", "alsace"), ("nancy", "lorraine"), ("reims", "champagne")]
    /// What the nodes logged, shown when an expectation about them fails.
    static let logLines = Mutex<[String]>([])

    /// Three nodes in one region, joined through the first.
    static func region(_ directory: TemporaryDirectory, ackTimeoutSeconds: Int = 30) throws -> [NodeHarness] {
        let keyFile = try MembershipReactorTests.writeKeyFile(directory, name: "cluster.key")
        var nodes: [NodeHarness] = []
        for index in places.indices {
            let seeds = nodes.first.map { [$0.node.membership!.gossipAddress.description] } ?? []
            nodes.append(
                try node(
                    index, directory: directory, keyFile: keyFile, seeds: seeds, ackTimeoutSeconds: ackTimeoutSeconds))
        }
        let joined = MembershipReactorTests.eventually(seconds: 20) {
            nodes.allSatisfy { $0.node.membership?.snapshot.count(.alive) == 3 }
        }
        guard joined else { throw HarnessFailure("the three nodes did not see each other alive in 20 s") }
        return nodes
    }

    /// Node `index` of the region (its data under `directory`), joining through `seeds`.
    static func node(
        _ index: Int, directory: TemporaryDirectory, keyFile: String, seeds: [String], ackTimeoutSeconds: Int = 30
    ) throws -> NodeHarness {
        var cluster = NodeConfiguration.Cluster(gossip: "127.0.0.\(61 + index):0", keyFile: keyFile, seeds: seeds)
        cluster.territory = places[index].1
        cluster.probeIntervalMilliseconds = 200
        cluster.probeTimeoutMilliseconds = 100
        cluster.gossipIntervalMilliseconds = 50
        cluster.pushPullIntervalSeconds = 2
        cluster.antiEntropyIntervalSeconds = 1
        cluster.remoteAckTimeoutSeconds = ackTimeoutSeconds
        cluster.downOutSeconds = 10
        cluster.auditInstancesPerSecond = 1_000
        cluster.tls = try NodeInternalTLSTests.clusterTLS(directory, address: "127.0.0.\(61 + index)")
        return try NodeHarness(
            directory: directory.appending("node-\(index)"), seed: UInt64(70 + index), cluster: cluster,
            site: places[index].0, log: { line in logLines.withLock { $0.append("node \(index): \(line)") } })
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
        // Sending the study again at another site moves no chunk between nodes: its placement is its first origin's.
        let sentBefore = nodes.map { $0.node.region?.figures.chunkBytesSent ?? 0 }.reduce(0, +)
        try NodeStorageTests.store(study, into: nodes[2], status: 202)
        Thread.sleep(forTimeInterval: 2)
        #expect(nodes.map { $0.node.region?.figures.chunkBytesSent ?? 0 }.reduce(0, +) == sentBefore)
        #expect(try nodes[2].node.catalog.outboxSummary().depth == 0)
        let metrics = try NodeMetricsTests.samples(
            String(decoding: try nodes[0].send("GET", "/metrics").body, as: UTF8.self))
        #expect(metrics["tessera_members{state=\"alive\"}"] == 3)
        #expect(metrics["tessera_outbox_depth"] == 0)
        #expect(metrics["tessera_replication_delivered_total"] == Double(study.count))
        #expect((metrics["tessera_replication_sent_bytes_total"] ?? 0) > 0)
        #expect(metrics["tessera_internal_refused_total{cause=\"unauthenticated\"}"] == 0)

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
        // The region page's data: every member with its own health, for an admin only.
        let admin = [("Authorization", "Bearer \(NodeHarness.adminToken)")]
        #expect(try nodes[0].send("GET", "/admin/region").status == 403)
        let region = try Self.regionMembers(nodes[0], admin)
        #expect(region.count == 3 && region.allSatisfy { $0["health"] is [String: Any] })
        #expect(region.filter { $0["isSelf"] as? Bool == true }.count == 1)
        let page = String(decoding: try nodes[0].send("GET", "/").body, as: UTF8.self)
        #expect(page.contains("<h2>Region</h2>") && page.contains("/admin/region"))
        // The copies counted now: every instance at R copies, for an admin only.
        #expect(try nodes[0].send("GET", "/admin/copies").status == 403)
        let counted = try Self.copies(nodes[0], admin)
        #expect(counted.instanceCount == study.count && counted.belowReplicaCount == 0 && counted.replicaCount == 2)
        // With the copy's holder gone, the origin serves it, and the region page shows it without a report.
        _ = copy.node.shutdown { _ in true }
        try Self.expectWhole(study, from: reader)
        let after = try Self.regionMembers(nodes[0], admin)
        let gone = after.first { $0["nodeID"] as? String == copy.node.nodeID.description }
        #expect(gone != nil && gone?["health"] == nil)
        // Its copies no longer count: every instance is below R, one live site each, until the audit replaces them.
        var below = try Self.copies(nodes[0], admin)
        for _ in 0..<50 where below.belowReplicaCount < study.count {
            Thread.sleep(forTimeInterval: 0.1)
            below = try Self.copies(nodes[0], admin)
        }
        #expect(below.belowReplicaCount == study.count, "\(below)")
        #expect(below.examples.count == min(study.count, CopiesReport.examplesMax))
        #expect(below.examples.allSatisfy { $0.liveSites.count == 1 })
    }

    @Test("the region page in a real headless browser lists every node, and shows one going dark")
    func regionPageInABrowser() throws {
        guard
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            Issue.record("chromium is not installed (.ci/test installs it: apt-get install chromium)")
            return
        }
        let directory = TemporaryDirectory()
        let nodes = try Self.region(directory)
        let own = nodes[0].node.membership!.snapshot.rows.first { $0.nodeID == nodes[0].node.nodeID }!
        let url = "http://\(own.metadata.httpAddress)/"
        /// The page's DOM once its script has drawn the table.
        func dump() throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                "--user-data-dir=" + directory.appending("chromium"), "--dump-dom",
                url + "#token=" + NodeHarness.adminToken,
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let page = try dump()
        #expect(page.components(separatedBy: "data-node=").count - 1 == 3, "\(page.suffix(2_000))")
        // The script's own text is in the dump too: look at the drawn rows only.
        #expect(page.contains("3 nodes") && !page.contains("class=\"down\""), "\(page.suffix(1_500))")
        _ = nodes[2].node.shutdown { _ in true }
        let dark = try dump()
        #expect(dark.contains(", not answering</td>"), "\(dark.suffix(2_000))")
        #expect(dark.contains("class=\"down\""))
    }

    /// `GET /admin/copies` at `harness`.
    static func copies(_ harness: NodeHarness, _ headers: [(String, String)]) throws -> CopiesReport {
        let answer = try harness.send("GET", "/admin/copies", headers: headers)
        guard answer.status == 200 else { throw HarnessFailure("GET /admin/copies answered \(answer.status)") }
        return try JSONDecoder().decode(CopiesReport.self, from: Data(answer.body))
    }

    /// The members of `GET /admin/region` at `harness`.
    static func regionMembers(_ harness: NodeHarness, _ headers: [(String, String)]) throws -> [[String: Any]] {
        let answer = try harness.send("GET", "/admin/region", headers: headers)
        guard answer.status == 200, let report = try NodeHarness.json(answer.body) as? [String: Any] else {
            throw HarnessFailure("GET /admin/region answered \(answer.status)")
        }
        return report["members"] as? [[String: Any]] ?? []
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

    @Test(
        "a holder gone past downOut is replaced by the next placement winner; back, it is the holder again and the stand-in drops its copy"
    )
    func downOutAndReturn() throws {
        let directory = TemporaryDirectory()
        var nodes = try Self.region(directory)
        let study = SyntheticInstance.study(seed: 65, sliceCount: 2, rows: 32, columns: 32)
        try NodeStorageTests.store(study, into: nodes[0])
        let uid = study[0].sopInstanceUID
        let holds = { (harness: NodeHarness) in
            (try? harness.node.catalog.regionalHolders(of: uid).contains(harness.node.nodeID)) == true
                && (try? harness.node.catalog.instances(studyInstanceUID: study[0].studyInstanceUID).allSatisfy {
                    harness.node.store.wholeness(of: $0.record.manifestAddress) == .whole
                }) == true
        }
        #expect(MembershipReactorTests.eventually(seconds: 20) { nodes.filter(holds).count == 2 })
        let holderIndex = try #require(nodes.indices.dropFirst().first { holds(nodes[$0]) })
        let standInIndex = 3 - holderIndex
        _ = nodes[holderIndex].node.shutdown { _ in true }
        // Past downOut (10 s) the stand-in is assigned, pulls the study from the origin, and serves it.
        #expect(
            MembershipReactorTests.eventually(seconds: 40) { holds(nodes[standInIndex]) },
            "\(Self.logLines.withLock { $0.suffix(40).joined(separator: "\n") })\n\(Self.diagnose(nodes[standInIndex], uid))"
        )
        try Self.expectWhole(study, from: nodes[standInIndex])
        // The holder comes back with its copy; the stand-in drops its own once both assigned holders have theirs.
        let keyFile = directory.appending("cluster.key")
        nodes[holderIndex] = try Self.node(
            holderIndex, directory: directory, keyFile: keyFile,
            seeds: [nodes[0].node.membership!.gossipAddress.description])
        let standIn = nodes[standInIndex]
        let address = try #require(
            try nodes[0].node.catalog.instances(studyInstanceUID: study[0].studyInstanceUID, sopInstanceUID: uid).first
        ).record.manifestAddress
        let dropped = MembershipReactorTests.eventually(seconds: 40) {
            (try? standIn.node.catalog.regionalHolders(of: uid).contains(standIn.node.nodeID)) == false
                && (try? standIn.node.store.manifest(address)) == nil
        }
        #expect(dropped, "the stand-in dropped its copy")
        #expect(holds(nodes[0]) && holds(nodes[holderIndex]))
        #expect((standIn.node.region?.figures.dropped ?? 0) >= 1 && (standIn.node.region?.figures.pulled ?? 0) >= 1)
        try Self.expectWhole(study, from: standIn)
    }

    /// What a node knows about an instance and the region, for a failure's message.
    static func diagnose(_ harness: NodeHarness, _ uid: String) -> String {
        let members = harness.node.membership?.snapshot.rows.map {
            "\($0.nodeID) \($0.status) \($0.lastHeard.map { "\($0)" } ?? "-")"
        }
        return "figures \(String(describing: harness.node.region?.figures)); holders "
            + "\((try? harness.node.catalog.regionalHolders(of: uid)).map { "\($0)" } ?? "?"); members \(members ?? [])"
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

    @Test("instances stored while a node was alone are shared with the region once it joins one")
    func aloneThenInARegion() throws {
        let directory = TemporaryDirectory()
        let study = SyntheticInstance.study(seed: 66, sliceCount: 3, rows: 16, columns: 16)
        do {
            let alone = try NodeHarness(
                directory: directory.appending("node-0"), seed: 70, site: Self.places[0].0)
            try NodeStorageTests.store(study, into: alone)
            #expect(try alone.node.catalog.regionalRowCount() == 0)
        }
        let nodes = try Self.region(directory)
        let shared = MembershipReactorTests.eventually(seconds: 30) {
            let held = nodes.map { (try? $0.node.catalog.regionalHoldingCount(of: $0.node.nodeID)) ?? 0 }
            return held.reduce(0, +) == 2 * study.count
                && nodes.allSatisfy { (try? $0.node.catalog.instanceCount()) == study.count }
        }
        #expect(shared, "\(Self.diagnose(nodes[0], study[0].sopInstanceUID))")
        try Self.expectWhole(study, from: nodes[1])
        try Self.expectWhole(study, from: nodes[2])
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
