// Goal: a study deleted at one node of a region is gone from every node: each catalog drops it once anti-entropy
// brings the tombstones, each holder deletes its copy and its holding row, and the region counts no copy left.
// Method: the three-node region of NodeRegionTests (in-process nodes over loopback, mutual TLS), a synthetic study
// stored at one node and deleted through DICOMweb DELETE at another, which holds no copy of it.
import Catalog
import Foundation
import Node
import ObjectStore
import Samples
import TestSupport
import Testing

@Suite(.serialized) struct NodeRegionDeleteTests {
    @Test("a study deleted at a node that holds none of it leaves every catalog and every holder's store")
    func deletedEverywhere() throws {
        let directory = TemporaryDirectory()
        let nodes = try NodeRegionTests.region(directory)
        let study = SyntheticInstance.study(seed: 62, sliceCount: 3, rows: 32, columns: 32)
        try NodeStorageTests.store(study, into: nodes[0])
        let studyUID = study[0].studyInstanceUID
        let addresses = try nodes[0].node.catalog.instances(studyInstanceUID: studyUID).map(\.record.manifestAddress)
        func copies(_ harness: NodeHarness) -> Int {
            addresses.count { (try? harness.node.store.manifest($0)) != nil }
        }
        let replicated = MembershipReactorTests.eventually(seconds: 20) {
            nodes.filter { copies($0) == study.count }.count == 2
                && nodes.allSatisfy {
                    (try? $0.node.catalog.instances(studyInstanceUID: studyUID).count) == study.count
                }
        }
        #expect(replicated, "two nodes hold the study and every catalog lists it")
        let bystander = try #require(nodes.first { copies($0) == 0 })
        let admin = [("Authorization", "Bearer \(NodeHarness.adminToken)")]
        #expect(try bystander.send("DELETE", "/dicom-web/studies/\(studyUID)").status == 403)
        #expect(try bystander.send("DELETE", "/dicom-web/studies/\(studyUID)", headers: admin).status == 204)
        let gone = MembershipReactorTests.eventually(seconds: 20) {
            nodes.allSatisfy { harness in
                (try? harness.node.catalog.instances(studyInstanceUID: studyUID).isEmpty) == true
                    && copies(harness) == 0
                    && study.allSatisfy { (try? harness.node.catalog.regionalHolders(of: $0.sopInstanceUID)) == [] }
            }
        }
        #expect(gone, "no catalog lists the study, no store keeps a copy, no holding row is live")
        for harness in nodes {
            #expect(try harness.send("GET", "/dicom-web/studies/\(studyUID)").status == 404)
        }
    }
}
