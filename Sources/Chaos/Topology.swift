// The regional topology file (Cluster/README.md): territories → sites → nodes, each node with its volume count.
// Decoded strictly: an unknown key, a wrong type, a duplicate or an empty level is an error naming where it is.
// It says what exists, not where it listens: addresses come from whoever runs it (the namespace fabric, loopback).
public import Primitives

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A region as its topology file describes it.
public struct Topology: Sendable, Equatable {
    /// The most nodes a topology may list.
    public static let nodeCountMax = 1000

    /// The region's name, e.g. `grand-est`.
    public let name: String
    /// Every node in file order, each with its territory and site.
    public let nodes: [TopologyNode]

    /// Makes a topology from placed nodes, checking the same rules as the file: names unique and well formed, one
    /// territory per site, 1 to `volumeCountMax` volumes, 1 to `nodeCountMax` nodes.
    public init(name: String, nodes: [TopologyNode]) throws(ChaosError) {
        guard !nodes.isEmpty, nodes.count <= Self.nodeCountMax else {
            throw ChaosError(.topology, "a topology holds 1 to \(Self.nodeCountMax) nodes, not \(nodes.count)")
        }
        var names: Set<String> = []
        var territoryOfSite: [SiteID: TerritoryID] = [:]
        for node in nodes {
            try TopologyNode.checkName(node.name)
            guard names.insert(node.name).inserted else {
                throw ChaosError(.topology, "the node name '\(node.name)' appears twice")
            }
            guard (1...TopologyNode.volumeCountMax).contains(node.volumeCount) else {
                throw ChaosError(
                    .topology,
                    "node '\(node.name)' has volumeCount \(node.volumeCount); it must be 1 to "
                        + "\(TopologyNode.volumeCountMax)")
            }
            if let known = territoryOfSite[node.site], known != node.territory {
                throw ChaosError(
                    .topology, "site '\(node.site)' is listed under two territories, '\(known)' and '\(node.territory)'"
                )
            }
            territoryOfSite[node.site] = node.territory
        }
        self.name = name
        self.nodes = nodes
    }

    /// The territories in file order.
    public var territories: [TerritoryID] { unique(nodes.map(\.territory)) }

    /// The sites in file order.
    public var sites: [SiteID] { unique(nodes.map(\.site)) }

    /// Reads and checks the topology file at `path`.
    public static func load(path: String) throws(ChaosError) -> Topology {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ChaosError(.topology, "cannot read the topology file \(path): \(error)")
        }
        do {
            return try decode(Array(data))
        } catch {
            throw ChaosError(.topology, "topology file \(path): \(error.description)")
        }
    }

    /// Decodes and checks a topology from the JSON text in `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(ChaosError) -> Topology {
        do {
            return try JSONDecoder().decode(TopologyFile.self, from: Data(bytes)).topology
        } catch let error as ChaosError {
            throw error
        } catch let error as RegionNameError {
            throw ChaosError(.topology, error.description)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ChaosError(.topology, "'\(key.stringValue)' is missing in \(TopologyFile.place(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ChaosError(.topology, "\(TopologyFile.place(context.codingPath)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ChaosError(.topology, "\(TopologyFile.place(context.codingPath)) must not be null")
        } catch {
            throw ChaosError(.topology, "not valid JSON: \(error)")
        }
    }

    private func unique<Name: Hashable>(_ values: [Name]) -> [Name] {
        var seen: Set<Name> = []
        return values.filter { seen.insert($0).inserted }
    }
}
