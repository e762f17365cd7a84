// The nested shape of the topology file and its strict decoding; Topology is the flat, checked result.
import Primitives

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The topology file as written: `{"name", "territories": [{"name", "sites": [{"name", "nodes": [{"name",
/// "volumeCount"}]}]}]}`.
struct TopologyFile: Decodable {
    let topology: Topology

    /// Any key of a JSON object, so decoding can refuse the ones it does not know.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct Territory: Decodable {
        let name: String
        let sites: [Site]
        init(from decoder: any Decoder) throws {
            let container = try TopologyFile.strict(decoder, known: ["name", "sites"])
            name = try container.decode(String.self, forKey: AnyKey("name"))
            sites = try container.decode([Site].self, forKey: AnyKey("sites"))
        }
    }

    struct Site: Decodable {
        let name: String
        let nodes: [Node]
        init(from decoder: any Decoder) throws {
            let container = try TopologyFile.strict(decoder, known: ["name", "nodes"])
            name = try container.decode(String.self, forKey: AnyKey("name"))
            nodes = try container.decode([Node].self, forKey: AnyKey("nodes"))
        }
    }

    struct Node: Decodable {
        let name: String
        let volumeCount: Int
        init(from decoder: any Decoder) throws {
            let container = try TopologyFile.strict(decoder, known: ["name", "volumeCount"])
            name = try container.decode(String.self, forKey: AnyKey("name"))
            volumeCount = try container.decode(Int.self, forKey: AnyKey("volumeCount"))
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try Self.strict(decoder, known: ["name", "territories"])
        let name = try container.decode(String.self, forKey: AnyKey("name"))
        let territories = try container.decode([Territory].self, forKey: AnyKey("territories"))
        var nodes: [TopologyNode] = []
        var territoryNames: Set<String> = []
        for territory in territories {
            guard territoryNames.insert(territory.name).inserted else {
                throw ChaosError(.topology, "the territory '\(territory.name)' appears twice")
            }
            guard !territory.sites.isEmpty else {
                throw ChaosError(.topology, "the territory '\(territory.name)' has no sites")
            }
            for site in territory.sites {
                guard !site.nodes.isEmpty else { throw ChaosError(.topology, "the site '\(site.name)' has no nodes") }
                guard !nodes.contains(where: { $0.site.name == site.name }) else {
                    throw ChaosError(.topology, "the site '\(site.name)' appears twice")
                }
                for node in site.nodes {
                    nodes.append(
                        TopologyNode(
                            name: node.name, territory: try TerritoryID(territory.name), site: try SiteID(site.name),
                            volumeCount: node.volumeCount))
                }
            }
        }
        topology = try Topology(name: name, nodes: nodes)
    }

    /// Opens the object at this position and refuses keys not in `known`, naming the key and where it is.
    static func strict(_ decoder: any Decoder, known: [String]) throws -> KeyedDecodingContainer<AnyKey> {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys.map(\.stringValue).sorted() where !known.contains(key) {
            throw ChaosError(
                .topology,
                "unknown key '\(key)' in \(place(decoder.codingPath)) (known: \(known.joined(separator: ", ")))")
        }
        return container
    }

    /// The key path of a decoding position, "territories[1].sites[0]", or "the top level".
    static func place(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "the top level" : text
    }
}
