// The `random` scenario: a seeded mix of every fault the nemesis has, for a given duration, so a long run finds what
// no single scenario does; the seed replays it. Each fault that starts something ends it (a killed node starts again,
// a cut heals, a full disk is freed, a skewed clock is set right) before the run's last 15 s, and faults do not
// overlap, so the checker can tell which one a violation followed.
import Primitives

extension ChaosScenario {
    /// The kinds of fault `random` draws from.
    static let randomKinds = 12

    /// The random scenario of `seed`, `durationSeconds` long, on `topology`.
    public static func random(seed: UInt64, durationSeconds: Double, topology: Topology) -> ChaosScenario {
        var random = SeededRandom(seed: seed)
        func pick<Item>(_ items: [Item]) -> Item { items[Int(random.next() % UInt64(items.count))] }
        func between(_ low: Double, _ high: Double) -> Double {
            ((low + Double(random.next() % 1_000) / 1_000 * (high - low)) * 10).rounded() / 10
        }
        let nodes = topology.nodes
        let sites = topology.sites.map(\.name)
        let territories = topology.territories.map(\.name)
        var faults: [ChaosFault] = []
        var at = 10.0
        let last = durationSeconds - 15
        while at + 5 < last {
            let end = min(at + between(5, 30), last)
            let node = pick(nodes)
            func pair(_ start: ChaosFault.Action, _ stop: ChaosFault.Action) {
                faults.append(ChaosFault(atSeconds: at, action: start, node: node.name))
                faults.append(ChaosFault(atSeconds: end, action: stop, node: node.name))
            }
            func cut(_ sides: [String], oneWay: Bool = false) {
                faults.append(ChaosFault(atSeconds: at, action: oneWay ? .partitionOneWay : .partition, sides: sides))
                faults.append(ChaosFault(atSeconds: end, action: .heal, sides: sides))
            }
            switch Int(random.next() % UInt64(Self.randomKinds)) {
            case 0: pair(.kill, .start)
            case 1: pair(.pause, .resume)
            case 2: cut([pick(sites), HostSelection.restWord])
            case 3: cut([pick(territories), HostSelection.restWord])
            case 4: cut([node.name, HostSelection.restWord], oneWay: true)
            case 5:
                // A flapping link: a site cut and healed every two seconds.
                let sides = [pick(sites), HostSelection.restWord]
                for second in stride(from: at, to: end, by: 2) {
                    let isCut = Int((second - at) / 2) % 2 == 0
                    faults.append(ChaosFault(atSeconds: second, action: isCut ? .partition : .heal, sides: sides))
                }
                faults.append(ChaosFault(atSeconds: end, action: .heal, sides: sides))
            case 6:
                let sides = [pick(territories), HostSelection.restWord]
                faults.append(
                    ChaosFault(atSeconds: at, action: .shape, sides: sides, delayMilliseconds: 30, lossPercent: 5))
                faults.append(ChaosFault(atSeconds: end, action: .clearShape, sides: sides))
            case 7: faults.append(ChaosFault(atSeconds: at, action: .flipBits, node: node.name, count: 5))
            case 8:
                let volume = Int(random.next() % UInt64(node.volumeCount))
                faults.append(ChaosFault(atSeconds: at, action: .removeVolume, node: node.name, volume: volume))
            case 9: pair(.fillDisk, .freeDisk)
            case 10:
                let skew = random.next() % 2 == 0 ? 600.0 : -600.0
                faults.append(ChaosFault(atSeconds: at, action: .skewClock, node: node.name, seconds: skew))
                faults.append(ChaosFault(atSeconds: at, action: .restart, node: node.name))
                faults.append(ChaosFault(atSeconds: end, action: .skewClock, node: node.name, seconds: 0))
                faults.append(ChaosFault(atSeconds: end, action: .restart, node: node.name))
            default:
                let other = pick(nodes.filter { $0.site != node.site })
                faults.append(ChaosFault(atSeconds: at, action: .sameStudy, nodes: [node.name, other.name]))
            }
            at = end + between(5, 15)
        }
        let firstSites = territories.compactMap { territory in nodes.first { $0.territory.name == territory }?.site.name
        }
        let lastSites = territories.compactMap { territory in nodes.last { $0.territory.name == territory }?.site.name }
        return ChaosScenario(
            name: "random-\(seed)",
            description: "A seeded mix of every fault for \(Int(durationSeconds)) s (seed \(seed) replays it).",
            durationSeconds: durationSeconds, healBoundSeconds: 120,
            workload: ChaosWorkload(writers: firstSites, readers: lastSites, slicesPerStudy: 20, remoteAckShare: 0.5),
            faults: faults)
    }
}
