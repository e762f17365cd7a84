// Names an operator or a scenario uses for a side of a fault: a host, a site, a territory, several of them joined
// by commas, or `rest` for every host not on the other side. Resolved against the fabric's topology only.
import Primitives

/// Resolves side names to host names.
public enum HostSelection {
    /// The word for every host not named on the other side.
    public static let restWord = "rest"

    /// The hosts `text` names ("strasbourg", "alsace,nancy-1", "rest"), in topology order; `rest` means every host
    /// not in `others`. Throws naming a word that is no host, site or territory.
    public static func hosts(_ text: String, in nodes: [TopologyNode], others: [String] = []) throws(ChaosError)
        -> [String]
    {
        var chosen: Set<String> = []
        for word in text.split(separator: ",").map(String.init) {
            if word == restWord {
                chosen.formUnion(nodes.map(\.name).filter { !others.contains($0) })
                continue
            }
            let matching = nodes.filter { $0.name == word || $0.site.name == word || $0.territory.name == word }
            guard !matching.isEmpty else {
                let known = nodes.map(\.name).joined(separator: ", ")
                throw ChaosError(
                    .argument, "'\(word)' is no host, site or territory of this fabric (hosts: \(known))")
            }
            chosen.formUnion(matching.map(\.name))
        }
        guard !chosen.isEmpty else { throw ChaosError(.argument, "no hosts named in '\(text)'") }
        return nodes.map(\.name).filter { chosen.contains($0) }
    }

    /// The two sides named by `first` and `second`; `rest` on one side means every host not on the other.
    public static func sides(_ first: String, _ second: String, in nodes: [TopologyNode]) throws(ChaosError)
        -> (first: [String], second: [String])
    {
        guard first != restWord || second != restWord else {
            throw ChaosError(.argument, "only one side may be '\(restWord)'")
        }
        if first == restWord {
            let others = try hosts(second, in: nodes)
            return (try hosts(first, in: nodes, others: others), others)
        }
        let left = try hosts(first, in: nodes)
        return (left, try hosts(second, in: nodes, others: left))
    }
}
