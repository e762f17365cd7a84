// One node's config in a region made on this machine: `cluster up` on loopback addresses and the chaos runner in
// network namespaces both write it: the node's site, territory and volumes from the topology, its gossip, HTTP,
// internal (mutual TLS) and DIMSE addresses, the seeds, the cluster key, and the cluster settings laid over the
// defaults.
import Chaos
import Foundation
import Node
import Primitives

/// Writing the config of a node of a region.
enum RegionNodeConfiguration {
    /// The ports every node of a region listens on, each on its own address.
    struct Ports {
        var http: Int
        var gossip: Int
        var internalAPI: Int
        /// DIMSE, AE title TESSERA, any caller: only on loopback addresses, where nobody else can connect.
        var dimse: Int?
    }

    /// The C-MOVE destination every node of a loopback region knows: dcmtk's storescp on its default port.
    static let moveDestination = (title: "STORESCP", port: 11112)

    /// The config of `node` at `address`, its data in `dataDirectory`; `seeds` are gossip addresses (its own is
    /// left out), `authority` and `files` its TLS files, `settings` cluster keys laid over the defaults.
    static func make(
        node: TopologyNode, address: String, dataDirectory: String, ports: Ports, keyFile: String, seeds: [String],
        authority: String, files: ClusterCertsCommand.NodeFiles, settings: [String: Any]
    ) throws -> NodeConfiguration {
        var configuration = NodeConfiguration(dataDirectory: dataDirectory, http: "\(address):\(ports.http)")
        configuration.site = node.site.name
        configuration.volumeCount = node.volumeCount
        var cluster = NodeConfiguration.Cluster(
            gossip: "\(address):\(ports.gossip)", keyFile: keyFile,
            seeds: seeds.filter { $0 != "\(address):\(ports.gossip)" })
        cluster.territory = node.territory.name
        cluster.tls = NodeConfiguration.ClusterTLS(
            listen: "\(address):\(ports.internalAPI)", certificateAuthority: authority,
            certificate: files.certificate, privateKey: files.privateKey)
        configuration.cluster = try ClusterRegionCommand.overlay(settings, on: cluster)
        if let dimse = ports.dimse {
            var settings = NodeConfiguration.DIMSESettings(listen: "\(address):\(dimse)")
            settings.peers = [.init(aeTitle: moveDestination.title, host: "127.0.0.1", port: moveDestination.port)]
            configuration.dimse = settings
        }
        return configuration
    }

    /// Writes `configuration` as pretty JSON to `path`, readable by its owner only (it may hold tokens).
    static func write(_ configuration: NodeConfiguration, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard
            FileManager.default.createFile(
                atPath: path, contents: try encoder.encode(configuration), attributes: [.posixPermissions: 0o600])
        else {
            throw ClientError("cannot write \(path)")
        }
    }
}
