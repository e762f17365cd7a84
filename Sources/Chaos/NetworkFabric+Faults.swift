// Faults on real packets: cuts both ways or one way, healing, delay with jitter, loss and rate caps per direction.
// Each operation changes the fault state, applies the whole of it (the packet filter atomically, the queueing of
// the hosts whose shaping changed), saves it, and logs what was done. A scenario schedules them; a flapping link
// is a cut and a heal repeated.
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension NetworkFabric {
    /// Cuts every direction between `first` and `second` (host names): a partition.
    public func partition(_ first: [String], _ second: [String]) throws(ChaosError) {
        try change("partition", "\(list(first)) ⇎ \(list(second))") { faults in
            faults.cut(from: first, to: second)
            faults.cut(from: second, to: first)
        }
    }

    /// Cuts the directions from `sources` to `targets` only: what `targets` send still arrives.
    public func partitionOneWay(from sources: [String], to targets: [String]) throws(ChaosError) {
        try change("partition-one-way", "\(list(sources)) ⇏ \(list(targets))") { faults in
            faults.cut(from: sources, to: targets)
        }
    }

    /// Restores every direction between `first` and `second`.
    public func heal(_ first: [String], _ second: [String]) throws(ChaosError) {
        try change("heal", "\(list(first)) ⇔ \(list(second))") { faults in
            faults.restore(from: first, to: second)
            faults.restore(from: second, to: first)
        }
    }

    /// Restores every cut direction; shaping stays.
    public func healAll() throws(ChaosError) {
        try change("heal-all", "every cut restored") { faults in faults.restoreAll() }
    }

    /// Shapes the directions from `sources` to `targets` (delay, jitter, loss, rate cap); a clear shape removes
    /// the shaping. Delay and jitter need netem: without it this throws naming it, and changes nothing.
    public func shape(from sources: [String], to targets: [String], as shape: LinkShape) throws(ChaosError) {
        try shape.validate()
        if shape.needsNetem && !hasNetem {
            throw ChaosError(
                .missingPrerequisite,
                "delay and jitter need the kernel's netem queueing discipline (sch_netem, CONFIG_NET_SCH_NETEM), "
                    + "which this kernel lacks (\(netemProblem ?? "tc refused it")); cuts, loss and rate caps work "
                    + "without it")
        }
        try change("shape", "\(list(sources)) → \(list(targets)): \(describe(shape))") { faults in
            faults.shape(from: sources, to: targets, as: shape)
        }
    }

    /// Removes every cut and every shape.
    public func clearFaults() throws(ChaosError) {
        try change("clear", "every cut and shape removed") { faults in faults = FaultState() }
    }

    // MARK: - Applying

    private func change(_ operation: String, _ detail: String, _ edit: (inout FaultState) -> Void) throws(ChaosError) {
        try faultsInForce.withLock { (faults: inout FaultState) throws(ChaosError) in
            var next = faults
            edit(&next)
            for name in Set(next.cutLinks.flatMap { [$0.source, $0.target] } + next.shapes.keys.map(\.source)) {
                _ = try layout.index(of: name)
            }
            try apply(next, replacing: faults)
            faults = next
            let state = FabricState(layout: layout, hasNetem: hasNetem, netemProblem: netemProblem, faults: next)
            try state.save(stateDirectory: stateDirectory)
        }
        try record(operation, detail)
    }

    private func apply(_ next: FaultState, replacing previous: FaultState) throws(ChaosError) {
        try runTool(tools.nft, ["-f", try writeRules(next)], in: layout.fabricNamespace)
        for node in layout.nodes {
            let before = try QueueingCommands.arguments(for: node.name, faults: previous, layout: layout)
            let after = try QueueingCommands.arguments(for: node.name, faults: next, layout: layout)
            guard before != after else { continue }
            let namespace = ["-n", layout.namespace(of: node.name)]
            if !before.isEmpty {
                try runTool(tools.tc, namespace + ["qdisc", "del", "dev", FabricLayout.hostInterface, "root"])
            }
            for arguments in after { try runTool(tools.tc, namespace + arguments) }
        }
    }

    /// Writes the packet filter's script for `faults` to the state folder and returns its path.
    func writeRules(_ faults: FaultState) throws(ChaosError) -> String {
        let path = stateDirectory + "/rules.nft"
        do {
            try Data(try PacketFilterRules.script(for: faults, layout: layout).utf8).write(
                to: URL(fileURLWithPath: path), options: .atomic)
        } catch let error as ChaosError {
            throw error
        } catch {
            throw ChaosError(.state, "cannot write \(path): \(error)")
        }
        return path
    }

    private func list(_ hosts: [String]) -> String { hosts.joined(separator: ",") }

    private func describe(_ shape: LinkShape) -> String {
        guard !shape.isClear else { return "clear" }
        var parts: [String] = []
        if shape.delayMilliseconds > 0 { parts.append("delay \(shape.delayMilliseconds) ms") }
        if shape.jitterMilliseconds > 0 { parts.append("jitter \(shape.jitterMilliseconds) ms") }
        if shape.lossPercent > 0 { parts.append("loss \(shape.lossPercent) %") }
        if let rate = shape.rateKilobitsPerSecond { parts.append("rate \(rate) kbit/s") }
        return parts.joined(separator: ", ")
    }
}
