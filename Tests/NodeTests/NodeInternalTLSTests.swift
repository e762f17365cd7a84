// Goal: with certificates, the internal API lives on its own port behind mutual TLS against the cluster CA: a node
// without a certificate, or with one of another CA, is refused at the handshake and counted; the client-facing port
// refuses internal routes with a sentence pointing at the internal port; a config naming a missing file stops the
// start with the file's name.
// Method: one in-process node with `cluster.tls` (certificates made by the test's CA), real TLS clients on loopback.
import Foundation
import HTTP
import Membership
import Node
import Posix
import Primitives
import Replication
import TestSupport
import Testing
import Transport

@Suite(.serialized) struct NodeInternalTLSTests {
    /// The internal-TLS settings of the node at `address`, with the CA (made once per folder) and the node's
    /// certificate written under `directory`/certs.
    static func clusterTLS(_ directory: TemporaryDirectory, address: String) throws -> NodeConfiguration.ClusterTLS {
        let folder = directory.appending("certs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let now = RealTimeClock().millisecondsSinceEpoch() / 1_000
        let authority: TLSCertificateAuthority
        if let certificate = FileManager.default.contents(atPath: folder + "/ca.pem"),
            let key = FileManager.default.contents(atPath: folder + "/ca-key.pem")
        {
            authority = try TLSCertificateAuthority(
                identity: TLSIdentity(certificatePEM: Array(certificate), privateKeyPEM: Array(key)))
        } else {
            authority = try TLSCertificateAuthority.make(name: "test cluster", now: now, validDays: 2)
            try write(authority.identity.certificatePEM, folder + "/ca.pem")
            try write(authority.identity.privateKeyPEM, folder + "/ca-key.pem")
        }
        let identity = try authority.issue(commonName: "node", addresses: [address], now: now, validDays: 2)
        try write(identity.certificatePEM, folder + "/\(address).pem")
        try write(identity.privateKeyPEM, folder + "/\(address)-key.pem")
        return NodeConfiguration.ClusterTLS(
            listen: "\(address):0", certificateAuthority: folder + "/ca.pem", certificate: folder + "/\(address).pem",
            privateKey: folder + "/\(address)-key.pem")
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw HarnessFailure("cannot write \(path)")
        }
    }

    /// The status of GET /internal/v1/health at `port` through `tls`, or the error's text.
    static func health(port: Int, _ tls: TLSContext) -> String {
        do {
            let client = try HTTPClient(
                baseURL: "https://127.0.0.64:\(port)", configuration: HTTPClientConfiguration(ioTimeoutSeconds: 5),
                clock: MonotonicClock(), tls: tls)
            defer { client.close() }
            var response = try client.send(method: "GET", target: "/internal/v1/health")
            _ = try response.readAll()
            return "\(response.status)"
        } catch {
            return "\(error)"
        }
    }

    @Test("the internal port demands a certificate of this cluster; the client port points there")
    func internalPortIsMutualTLS() throws {
        let directory = TemporaryDirectory()
        let keyFile = try MembershipReactorTests.writeKeyFile(directory, name: "cluster.key")
        var cluster = NodeConfiguration.Cluster(gossip: "127.0.0.64:0", keyFile: keyFile)
        cluster.territory = "alsace"
        cluster.tls = try Self.clusterTLS(directory, address: "127.0.0.64")
        let harness = try NodeHarness(directory: directory.appending("node"), seed: 82, cluster: cluster)
        let port = try #require(harness.node.internalPort)
        let refusals = try #require(harness.node.region?.responder.refusals)
        // A member of the cluster: another certificate of the same CA.
        let peer = try Self.clusterTLS(directory, address: "127.0.0.65")
        let authority = Array(try #require(FileManager.default.contents(atPath: peer.certificateAuthority)))
        let member = TLSIdentity(
            certificatePEM: Array(try #require(FileManager.default.contents(atPath: peer.certificate))),
            privateKeyPEM: Array(try #require(FileManager.default.contents(atPath: peer.privateKey))))
        #expect(Self.health(port: port, try TLSContext.client(authorityPEM: authority, identity: member)) == "200")
        #expect(refusals.unauthenticatedCount == 0)
        // No certificate, then one of another CA: both refused at the handshake, and counted.
        let anonymous = Self.health(port: port, try TLSContext.client(authorityPEM: authority))
        #expect(anonymous.contains("certificate required"), "\(anonymous)")
        let now = RealTimeClock().millisecondsSinceEpoch() / 1_000
        let stranger = try TLSCertificateAuthority.make(name: "stranger", now: now, validDays: 2)
        let foreign = try stranger.issue(commonName: "intruder", addresses: ["127.0.0.1"], now: now, validDays: 2)
        let refused = Self.health(port: port, try TLSContext.client(authorityPEM: authority, identity: foreign))
        #expect(refused.contains("unknown ca"), "\(refused)")
        let counted = MembershipReactorTests.eventually(seconds: 5) { refusals.unauthenticatedCount == 2 }
        #expect(counted, "\(refusals.unauthenticatedCount) refusals counted")
        // The client-facing port has no internal API, and says where it is.
        let answer = try harness.send("POST", "/internal/v1/catalog/digests", body: [1, 0, 1, 0, 0, 0])
        #expect(answer.status == 403)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("internal port"))
        #expect(refusals.unauthenticatedCount == 3)
        // The member's advertised internal address is the bound port.
        let row = try #require(harness.node.membership?.snapshot.rows.first)
        #expect(row.metadata.internalAddress.description == "127.0.0.64:\(port)")
    }

    @Test("with `tls`, the client-facing port speaks HTTPS and nothing else")
    func clientFacingHTTPS() throws {
        let directory = TemporaryDirectory()
        let files = try Self.clusterTLS(directory, address: "127.0.0.1")
        let harness = try NodeHarness(
            directory: directory.appending("node"), seed: 84,
            tls: NodeConfiguration.TLSFiles(certificate: files.certificate, privateKey: files.privateKey))
        #expect(harness.node.dicomWebURL.hasPrefix("https://127.0.0.1:"))
        let authority = Array(try #require(FileManager.default.contents(atPath: files.certificateAuthority)))
        let client = try HTTPClient(
            baseURL: "https://127.0.0.1:\(harness.node.port)", clock: MonotonicClock(),
            tls: try TLSContext.client(authorityPEM: authority))
        defer { client.close() }
        var health = try client.send(method: "GET", target: "/healthz")
        #expect(health.status == 200)
        #expect(try health.readText().contains("\"volumeCount\""))
        let plain = try HTTPClient(
            baseURL: "http://127.0.0.1:\(harness.node.port)",
            configuration: HTTPClientConfiguration(ioTimeoutSeconds: 5),
            clock: MonotonicClock())
        defer { plain.close() }
        #expect(throws: TransportError.self) { _ = try plain.send(method: "GET", target: "/healthz") }
    }

    @Test("a config naming a certificate file that is not there stops the start, naming the file")
    func missingCertificate() throws {
        let directory = TemporaryDirectory()
        let keyFile = try MembershipReactorTests.writeKeyFile(directory, name: "cluster.key")
        var cluster = NodeConfiguration.Cluster(gossip: "127.0.0.64:0", keyFile: keyFile)
        cluster.tls = try Self.clusterTLS(directory, address: "127.0.0.64")
        cluster.tls?.certificate = directory.appending("missing.pem")
        #expect {
            _ = try NodeHarness(directory: directory.appending("node"), seed: 83, cluster: cluster)
        } throws: { error in
            "\(error)".contains("cluster.tls.certificate") && "\(error)".contains("missing.pem")
        }
    }
}
