// Goal: the `cluster` section of a node's config decodes strictly (unknown keys, wrong types and bad values are
// errors naming the key), takes MembershipConfiguration's defaults, resolves a relative key file from the config's
// folder, and refuses a site inside it with where the site belongs.
// Method: parse config JSON texts, good and hostile, and read the values or the error.
import Foundation
import Membership
import Node
import Primitives
import TestSupport
import Testing

@Suite struct NodeClusterConfigurationTests {
    static func parse(_ cluster: String) throws -> NodeConfiguration {
        let text = """
            {"dataDirectory": "/tmp/unused", "allowAnonymous": true, "cluster": \(cluster)}
            """
        return try NodeConfiguration.parse(Array(text.utf8), source: "test.json")
    }

    static func expectError(_ cluster: String, mentioning parts: [String]) {
        #expect {
            _ = try parse(cluster)
        } throws: { error in
            let text = "\(error)"
            return parts.allSatisfy { text.contains($0) }
        }
    }

    @Test("no cluster section is a lone node")
    func lone() throws {
        let configuration = try NodeConfiguration.parse(
            Array(#"{"dataDirectory": "/tmp/unused", "allowAnonymous": true}"#.utf8), source: "test.json")
        #expect(configuration.cluster == nil)
    }

    @Test("a minimal section takes the defaults of MembershipConfiguration()")
    func defaults() throws {
        let cluster = try #require(try Self.parse(#"{"gossip": "127.0.0.1:7946", "keyFile": "/k"}"#).cluster)
        #expect(cluster.seeds.isEmpty)
        #expect(cluster.territory == "local")
        #expect(cluster.membershipConfiguration.probeIntervalTicks == MembershipConfiguration().probeIntervalTicks)
        #expect(cluster.membershipConfiguration.reapAfterTicks == MembershipConfiguration().reapAfterTicks)
        #expect(cluster.membershipConfiguration.datagramBytesMax == MembershipConfiguration().datagramBytesMax)
    }

    @Test("every setting is read, in its unit")
    func everySetting() throws {
        let cluster = try #require(
            try Self.parse(
                """
                {"territory": "fr-east", "gossip": "10.0.0.5:7946", "seeds": ["10.0.0.6:7946", "10.0.0.7:7946"],
                 "keyFile": "/etc/tessera/cluster.key", "probeIntervalMilliseconds": 200,
                 "probeTimeoutMilliseconds": 80, "indirectProbeCount": 2, "retransmitMultiplier": 3,
                 "suspicionMultiplier": 3, "suspicionMaxTimeoutMultiplier": 4, "suspicionConfirmations": 2,
                 "gossipIntervalMilliseconds": 50, "pushPullIntervalSeconds": 5, "reapAfterSeconds": 60, "datagramBytesMax": 1200}
                """
            ).cluster)
        let membership = cluster.membershipConfiguration
        #expect(try cluster.territoryID == TerritoryID("fr-east"))
        #expect(cluster.seeds.count == 2)
        #expect(membership.probeIntervalTicks == 200_000 && membership.probeTimeoutTicks == 80_000)
        #expect(membership.indirectProbeCount == 2 && membership.retransmitMultiplier == 3)
        #expect(membership.suspicionMultiplier == 3 && membership.suspicionMaxTimeoutMultiplier == 4)
        #expect(membership.suspicionConfirmations == 2)
        #expect(membership.gossipIntervalTicks == 50_000 && membership.pushPullIntervalTicks == 5_000_000)
        #expect(membership.reapAfterTicks == 60_000_000 && membership.datagramBytesMax == 1200)
    }

    @Test("a relative key file is taken from the config file's folder")
    func relativeKeyFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("node.json")
        try
            #"{"dataDirectory": "data", "allowAnonymous": true, "cluster": {"gossip": "127.0.0.1:0", "keyFile": "c.key"}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try NodeConfiguration.load(path: path)
        #expect(configuration.cluster?.keyFile == directory.path + "/c.key")
    }

    @Test("TLS files are taken from the config file's folder, for the internal API and the client-facing port")
    func relativeCertificates() throws {
        let directory = TemporaryDirectory()
        let path = directory.appending("node.json")
        try #"""
        {"dataDirectory": "data", "allowAnonymous": true, "tls": {"certificate": "web.pem", "privateKey": "/k.pem"},
         "cluster": {"gossip": "127.0.0.1:0", "keyFile": "c.key", "tls": {"listen": "127.0.0.1:8043",
          "certificateAuthority": "ca.pem", "certificate": "certs/n.pem", "privateKey": "certs/n-key.pem"}}}
        """#.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try NodeConfiguration.load(path: path)
        #expect(configuration.tls?.certificate == directory.path + "/web.pem")
        #expect(configuration.tls?.privateKey == "/k.pem")
        let tls = try #require(configuration.cluster?.tls)
        #expect(tls.listen == "127.0.0.1:8043" && tls.certificateAuthority == directory.path + "/ca.pem")
        #expect(tls.certificate == directory.path + "/certs/n.pem")
        #expect(tls.privateKey == directory.path + "/certs/n-key.pem")
    }

    @Test(
        "hostile sections are refused naming the key",
        arguments: [
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "probeInterval": 5}"#, ["unknown key 'probeInterval'"]),
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "site": "a"}"#, ["'cluster.site'", "top-level 'site'"]),
            (#"{"keyFile": "/k"}"#, ["'cluster.gossip' is required"]),
            (#"{"gossip": "127.0.0.1:1"}"#, ["'cluster.keyFile' is required"]),
            (#"{"gossip": "0.0.0.0:1", "keyFile": "/k"}"#, ["'cluster.gossip'", "0.0.0.0"]),
            (#"{"gossip": "localhost:1", "keyFile": "/k"}"#, ["'cluster.gossip'"]),
            (
                #"{"gossip": "127.0.0.1:1", "keyFile": "/k", "seeds": "127.0.0.1:2"}"#,
                ["'cluster.seeds' must be a list"]
            ),
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "seeds": ["127.0.0.1"]}"#, ["'cluster.seeds[0]'"]),
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "seeds": ["127.0.0.1:0"]}"#, ["'cluster.seeds[0]'", "port"]),
            (
                #"{"gossip": "127.0.0.1:1", "keyFile": "/k", "probeIntervalMilliseconds": 100, "probeTimeoutMilliseconds": 100}"#,
                ["'cluster.probeTimeoutMilliseconds' is 100", "shorter than the probe interval"]
            ),
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "datagramBytesMax": 100}"#, ["'cluster.datagramBytesMax'"]),
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "territory": "Fr East"}"#, ["'cluster.territory'"]),
            (#"{"gossip": "127.0.0.1:1", "keyFile": "/k", "reapAfterSeconds": "60"}"#, ["reapAfterSeconds"]),
            (#"{"gossip": "127.0.0.1:1", "keyFile": ""}"#, ["'cluster.keyFile' must name"]),
            (
                #"{"gossip": "127.0.0.1:1", "keyFile": "/k", "tls": {"listen": "127.0.0.1:1"}}"#,
                ["'cluster.tls.certificateAuthority' is required"]
            ),
            (
                #"{"gossip": "127.0.0.1:1", "keyFile": "/k", "tls": {"listen": "127.0.0.1:1", "certificateAuthority": "a", "certificate": "b", "privateKey": "c", "port": 1}}"#,
                ["unknown key 'port'"]
            ),
            (
                #"{"gossip": "127.0.0.1:1", "keyFile": "/k", "tls": {"listen": "0.0.0.0:1", "certificateAuthority": "a", "certificate": "b", "privateKey": "c"}}"#,
                ["'cluster.tls.listen'", "0.0.0.0"]
            ),
        ])
    func hostile(cluster: String, parts: [String]) {
        Self.expectError(cluster, mentioning: parts)
    }
}
