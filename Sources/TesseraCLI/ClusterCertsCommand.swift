// `tessera cluster certs TOPOLOGY`: the cluster CA and one certificate per node for the internal API's mutual TLS.
// The CA is made once and reused, so running it again after adding a node issues only that node's certificate;
// every key file is written 0600. `cluster up` calls the same code for a loopback region.
import Chaos
import Foundation
import Posix
import Primitives
import Transport

/// The `cluster certs` subcommand and the certificate files it keeps.
enum ClusterCertsCommand {
    /// Days a CA certificate is valid: longer than any archive's hardware.
    static let authorityValidDays = 20 * 365
    /// Days a node certificate is valid; `--renew` issues new ones.
    static let nodeValidDays = 3 * 365

    /// `cluster certs TOPOLOGY [--out DIR] [--first-address A] [--addresses NODE=IP,…] [--renew]`.
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["out", "first-address", "addresses"], switches: ["renew"])
        guard arguments.positionals.count == 1 else {
            throw UsageError(description: "cluster certs takes one topology file, e.g. Cluster/grand-est.json")
        }
        let topology = try Topology.load(path: arguments.positionals[0])
        let directory = arguments.value("out") ?? "tessera-certs"
        var addresses = Dictionary(
            uniqueKeysWithValues: zip(
                topology.nodes.map(\.name),
                try ClusterRegionCommand.loopbackAddresses(
                    from: arguments.value("first-address") ?? "127.0.0.10", count: topology.nodes.count)))
        for pair in (arguments.value("addresses") ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, addresses[parts[0]] != nil else {
                throw UsageError(description: "--addresses takes NODE=IP pairs of the topology's nodes, got '\(pair)'")
            }
            addresses[parts[0]] = parts[1]
        }
        let issued = try ensure(
            nodes: topology.nodes.map { ($0.name, addresses[$0.name]!) }, directory: directory,
            isRenewing: arguments.flag("renew"))
        for (name, files) in issued.nodes.sorted(by: { $0.key < $1.key }) {
            Console.output("\(name) (\(addresses[name]!)): \(files.certificate), \(files.privateKey)\n")
        }
        Console.output(
            """
            CA: \(issued.authority) (copy to every node); its key \(issued.authorityKey) signs new nodes: keep it off
            the nodes. Each node's config names them under cluster.tls (listen, certificateAuthority, certificate,
            privateKey).

            """)
    }

    /// The files of one node.
    struct NodeFiles {
        var certificate: String
        var privateKey: String
    }

    /// Makes the CA in `directory` unless it is there, and a certificate for every node of `nodes` (name, IP
    /// address) that has none (or every one when `isRenewing`).
    static func ensure(nodes: [(name: String, address: String)], directory: String, isRenewing: Bool = false) throws
        -> (authority: String, authorityKey: String, nodes: [String: NodeFiles])
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let now = RealTimeClock().millisecondsSinceEpoch() / 1_000
        let authorityPath = directory + "/ca.pem"
        let authorityKeyPath = directory + "/ca-key.pem"
        let authority: TLSCertificateAuthority
        if let certificate = FileManager.default.contents(atPath: authorityPath),
            let key = FileManager.default.contents(atPath: authorityKeyPath)
        {
            authority = try TLSCertificateAuthority(
                identity: TLSIdentity(certificatePEM: Array(certificate), privateKeyPEM: Array(key)))
        } else {
            authority = try TLSCertificateAuthority.make(
                name: "Tessera cluster CA", now: now, validDays: authorityValidDays)
            try write(authority.identity.privateKeyPEM, to: authorityKeyPath, isSecret: true)
            try write(authority.identity.certificatePEM, to: authorityPath, isSecret: false)
        }
        var files: [String: NodeFiles] = [:]
        for node in nodes {
            let paths = NodeFiles(
                certificate: directory + "/\(node.name).pem", privateKey: directory + "/\(node.name)-key.pem")
            files[node.name] = paths
            if !isRenewing && FileManager.default.fileExists(atPath: paths.certificate)
                && FileManager.default.fileExists(atPath: paths.privateKey)
            {
                continue
            }
            let identity = try authority.issue(
                commonName: node.name, addresses: [node.address], dnsNames: [node.name], now: now,
                validDays: nodeValidDays)
            try write(identity.privateKeyPEM, to: paths.privateKey, isSecret: true)
            try write(identity.certificatePEM, to: paths.certificate, isSecret: false)
        }
        return (authorityPath, authorityKeyPath, files)
    }

    /// Writes `bytes` to `path` through a temporary file, 0600 when secret.
    private static func write(_ bytes: [UInt8], to path: String, isSecret: Bool) throws {
        let temporary = path + ".new"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: isSecret ? 0o600 : 0o644])
        else { throw ClientError("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ClientError("cannot replace \(path)")
        }
    }
}
