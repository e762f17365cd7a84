// The tc commands that shape what one host sends, rendered from the faults in force. One veth per host to a shared
// bridge keeps N links instead of N² per-pair veths; per-pair shaping then happens at the sender's egress, where an
// htb class per shaped destination, chosen by a u32 filter on the destination address, caps the rate and carries a
// netem leaf for delay and jitter. htb rather than prio because it also caps rates, and because prio is not built
// into every kernel. Unshaped traffic goes to the default class, whose rate is far above a veth's real speed.

/// Renders the queueing of one host's egress.
enum QueueingCommands {
    /// The rate of unshaped traffic and of shaped traffic without a cap: above anything a veth carries here.
    static let uncappedRate = "10gbit"
    /// The bytes a class may send per round; set explicitly because htb's default (rate / 10) overflows at 10 Gbit.
    static let quantumBytes = 60_000

    /// The `tc` argument lists (without `tc -n NAMESPACE`) that build the queueing of host `source` from nothing;
    /// empty when nothing leaving it is shaped. The caller first deletes the old root qdisc.
    static func arguments(for source: String, faults: FaultState, layout: FabricLayout) throws(ChaosError)
        -> [[String]]
    {
        let shaped = faults.shapes(from: source).filter { $0.shape.needsNetem || $0.shape.rateKilobitsPerSecond != nil }
        guard !shaped.isEmpty else { return [] }
        let device = FabricLayout.hostInterface
        var commands: [[String]] = [
            ["qdisc", "add", "dev", device, "root", "handle", "1:", "htb", "default", "1"],
            [
                "class", "add", "dev", device, "parent", "1:", "classid", "1:1", "htb", "rate", uncappedRate,
                "quantum", "\(quantumBytes)",
            ],
        ]
        for (target, shape) in shaped {
            // Class minors are hex and 1 is the default class: the target's index + 2 never collides with it.
            let minor = String(try layout.index(of: target) + 2, radix: 16)
            let rate = shape.rateKilobitsPerSecond.map { "\($0)kbit" } ?? uncappedRate
            commands.append([
                "class", "add", "dev", device, "parent", "1:", "classid", "1:\(minor)", "htb", "rate", rate, "ceil",
                rate, "quantum", "\(quantumBytes)",
            ])
            if shape.needsNetem {
                var netem = [
                    "qdisc", "add", "dev", device, "parent", "1:\(minor)", "handle", "\(minor):", "netem",
                    "delay", "\(shape.delayMilliseconds)ms",
                ]
                if shape.jitterMilliseconds > 0 { netem.append("\(shape.jitterMilliseconds)ms") }
                commands.append(netem)
            }
            commands.append([
                "filter", "add", "dev", device, "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match", "ip",
                "dst", "\(try layout.address(of: target))/32", "flowid", "1:\(minor)",
            ])
        }
        return commands
    }
}
