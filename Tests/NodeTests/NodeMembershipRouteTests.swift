// Goal: `/healthz` summarises membership and `GET /admin/members` lists the members for an admin only, with RTT
// and last-heard null for the node itself, and answers 404 on a lone node.
// Method: in-process nodes (NodeHarness), one lone and one founding a region of one on loopback.
import Coding
import Foundation
import Node
import Primitives
import TestSupport
import Testing

@Suite struct NodeMembershipRouteTests {
    static let admin = [("Authorization", "Bearer \(NodeHarness.adminToken)")]
    static let reader = [("Authorization", "Bearer \(NodeHarness.readToken)")]

    @Test("a lone node reports membership disabled and answers /admin/members with 404")
    func lone() throws {
        let directory = TemporaryDirectory()
        let harness = try NodeHarness(directory: directory.path, seed: 1)
        let health = try NodeHarness.json(try harness.send("GET", "/healthz", headers: Self.reader).body)
        let membership = try #require((health as? [String: Any])?["membership"] as? [String: Any])
        #expect(membership["enabled"] as? Bool == false)
        #expect(try harness.send("GET", "/admin/members", headers: Self.admin).status == 404)
    }

    @Test("a node in a cluster summarises it in /healthz and lists itself in /admin/members, for admins only")
    func inCluster() throws {
        let directory = TemporaryDirectory()
        let keyFile = directory.appending("cluster.key")
        try ClusterKeyring(primary: ClusterKey.makeRandom()).fileText.write(
            toFile: keyFile, atomically: true, encoding: .utf8)
        var cluster = NodeConfiguration.Cluster(gossip: "127.0.0.41:0", keyFile: keyFile)
        cluster.territory = "t-1"
        let harness = try NodeHarness(directory: directory.appending("data"), seed: 2, cluster: cluster)
        // The reactor publishes its first snapshot from its own thread, a moment after the start.
        #expect(MembershipReactorTests.eventually(seconds: 5) { harness.node.membership?.snapshot.isJoined == true })
        let health = try NodeHarness.json(try harness.send("GET", "/healthz", headers: Self.reader).body)
        let membership = try #require((health as? [String: Any])?["membership"] as? [String: Any])
        #expect(membership["enabled"] as? Bool == true)
        #expect(membership["joined"] as? Bool == true)
        #expect(membership["alive"] as? Int == 1 && membership["dead"] as? Int == 0)
        #expect((membership["incarnation"] as? Int ?? 0) >= 1)

        #expect(try harness.send("GET", "/admin/members", headers: Self.reader).status == 403)
        #expect(try harness.send("GET", "/admin/members").status == 403)
        let answer = try harness.send("GET", "/admin/members", headers: Self.admin)
        #expect(answer.status == 200)
        let report = try #require(try NodeHarness.json(answer.body) as? [String: Any])
        #expect(report["nodeID"] as? String == harness.node.nodeID.description)
        let members = try #require(report["members"] as? [[String: Any]])
        #expect(members.count == 1)
        let row = try #require(members.first)
        #expect(row["state"] as? String == "alive")
        #expect(row["site"] as? String == "test-site" && row["territory"] as? String == "t-1")
        #expect(row["isSelf"] as? Bool == true)
        #expect(row["rttMilliseconds"] is NSNull && row["secondsSinceLastHeard"] is NSNull)
        #expect((row["gossipAddress"] as? String)?.hasPrefix("127.0.0.41:") == true)
        let drops = try #require(report["gossipDrops"] as? [String: Int])
        #expect(drops["unknown_key"] == 0 && drops["authentication_failed"] == 0)
    }
}
