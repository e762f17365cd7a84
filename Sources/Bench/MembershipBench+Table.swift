// The membership bench's runs in order and its table: each figure with Tessera's settings as "ours" and
// memberlist's LAN settings as the reference, and the targets where it sets one.
import Membership
import Posix
import Primitives
import Simulation

extension MembershipBench {
    /// Runs every figure (progress on stderr) and returns the table and notes.
    public func run() -> [String] {
        let ours = MembershipConfiguration()
        let reference = MembershipConfiguration.memberlistLAN
        var table = BenchTable()
        var notes: [String] = []
        var wallResult: DetectionResult?
        for nodeCount in settings.detectionNodeCounts {
            let timed = nodeCount == settings.wallNodeCount ? settings.wallSeconds : nil
            Console.error("membership: \(nodeCount) nodes, \(settings.crashCount) crashes, Tessera's settings…")
            let mine = detect(nodeCount: nodeCount, configuration: ours, runSeconds: timed)
            Console.error("membership: \(nodeCount) nodes, memberlist's settings…")
            let theirs = detect(nodeCount: nodeCount, configuration: reference, runSeconds: nil)
            if timed != nil { wallResult = mine }
            table.add(detectionRows(nodeCount: nodeCount, ours: mine, reference: theirs))
            notes.append(
                "\(nodeCount) nodes: \(mine.allDeadSeconds.count + mine.undetectedCount) crashes over "
                    + "\(mine.virtualSeconds) virtual s in \(Console.fixed(mine.wallSeconds, digits: 1)) s wall "
                    + "(memberlist's settings: \(Console.fixed(theirs.wallSeconds, digits: 1)) s); undetected "
                    + "\(mine.undetectedCount) / \(theirs.undetectedCount)")
        }
        for (nodeCount, lossPercent) in settings.lossRuns {
            Console.error("membership: \(nodeCount) nodes at \(lossPercent) % loss for \(settings.lossSeconds) s…")
            let mine = measureLoss(nodeCount: nodeCount, configuration: ours, lossPercent: lossPercent)
            let theirs = measureLoss(nodeCount: nodeCount, configuration: reference, lossPercent: lossPercent)
            table.add(lossRows(nodeCount: nodeCount, lossPercent: lossPercent, ours: mine, reference: theirs))
        }
        if let wallResult {
            let isTarget = settings.wallNodeCount == 2_000 && settings.wallSeconds == 3_600
            table.add(
                BenchRow(
                    figure: "wall time, \(settings.wallNodeCount) nodes × \(settings.wallSeconds) virtual s",
                    ours: Console.fixed(wallResult.wallSeconds, digits: 1) + " s", reference: "", ratio: nil,
                    target: isTarget ? "≤ \(Int(Self.wallSecondsMax)) s" : "",
                    isMet: isTarget ? wallResult.wallSeconds <= Self.wallSecondsMax : nil))
        }
        return table.render() + notes.map { "note: " + $0 }
            + ["note: seed \(seed); ours = Tessera's defaults, reference = memberlist's LAN settings, same simulator"]
    }

    private func detectionRows(nodeCount: Int, ours: DetectionResult, reference: DetectionResult) -> [BenchRow] {
        func pair(_ values: [Double]) -> String {
            guard let p50 = Percentile.nearestRank(values, 0.5), let p99 = Percentile.nearestRank(values, 0.99) else {
                return "-"
            }
            return Console.fixed(p50, digits: 1) + " / " + Console.fixed(p99, digits: 1) + " s"
        }
        let isTarget = nodeCount == 1_000
        let p99 = Percentile.nearestRank(ours.allDeadSeconds, 0.99) ?? .infinity
        let vivaldi = { (value: Double?) in value.map { Console.fixed($0, digits: 3) } ?? "-" }
        return [
            BenchRow(
                figure: "crash → first suspicion p50 / p99, \(nodeCount) nodes", ours: pair(ours.firstSuspicionSeconds),
                reference: pair(reference.firstSuspicionSeconds), ratio: nil, target: "", isMet: nil),
            BenchRow(
                figure: "crash → dead everywhere p50 / p99, \(nodeCount) nodes", ours: pair(ours.allDeadSeconds),
                reference: pair(reference.allDeadSeconds), ratio: nil,
                target: isTarget ? "p99 ≤ \(Int(Self.detectionP99SecondsMax)) s" : "",
                isMet: isTarget ? p99 <= Self.detectionP99SecondsMax && ours.undetectedCount == 0 : nil),
            BenchRow(
                figure: "gossip bytes per node per s (UDP + push-pull), \(nodeCount) nodes",
                ours: Console.fixed(ours.datagramBytesPerNodeSecond, digits: 0) + " + "
                    + Console.fixed(ours.streamBytesPerNodeSecond, digits: 0),
                reference: Console.fixed(reference.datagramBytesPerNodeSecond, digits: 0) + " + "
                    + Console.fixed(reference.streamBytesPerNodeSecond, digits: 0),
                ratio: (ours.datagramBytesPerNodeSecond + ours.streamBytesPerNodeSecond)
                    / max(1, reference.datagramBytesPerNodeSecond + reference.streamBytesPerNodeSecond),
                target: "", isMet: nil),
            BenchRow(
                figure: "Vivaldi median relative RTT error, \(nodeCount) nodes, 3 territories",
                ours: vivaldi(ours.vivaldiError), reference: vivaldi(reference.vivaldiError), ratio: nil, target: "",
                isMet: nil),
        ]
    }

    private func lossRows(nodeCount: Int, lossPercent: Double, ours: LossResult, reference: LossResult) -> [BenchRow] {
        let isTarget = nodeCount == 1_000 && lossPercent == 5
        let label = "\(nodeCount) nodes, \(Console.fixed(lossPercent, digits: 0)) % loss"
        return [
            BenchRow(
                figure: "false dead per node-hour, \(label)",
                ours: Console.fixed(ours.falseDeathsPerNodeHour, digits: 3),
                reference: Console.fixed(reference.falseDeathsPerNodeHour, digits: 3), ratio: nil,
                target: isTarget ? "0" : "", isMet: isTarget ? ours.falseDeathsPerNodeHour == 0 : nil),
            BenchRow(
                figure: "false suspicions per node-hour, \(label)",
                ours: Console.fixed(ours.falseSuspicionsPerNodeHour, digits: 3),
                reference: Console.fixed(reference.falseSuspicionsPerNodeHour, digits: 3), ratio: nil, target: "",
                isMet: nil),
        ]
    }
}
