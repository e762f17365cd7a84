// `tessera chaos net up|down|show|partition|heal|shape`: the chaos runner's network of namespaces by hand. `up` makes
// one namespace per node of a topology file and writes the state folder; the fault commands read it, change the
// faults on real packets and log what they did; `down` removes the run's namespaces and any left by earlier runs.
import Chaos
import Posix
import Primitives

/// The `chaos` subcommand.
enum ChaosCommand {
    /// The state folder when `--state` is not given.
    static let stateDirectoryDefault = "tessera-chaos"

    /// Runs `chaos net …`.
    static func run(_ words: [String]) throws {
        if words.first == "run" { return try ChaosRunCommand.run(Array(words.dropFirst())) }
        if words.first == "play" { return try ChaosRunCommand.play(Array(words.dropFirst())) }
        guard words.first == "net", words.count >= 2 else {
            throw UsageError(
                description:
                    "chaos takes: run SCENARIO…|all|random, or net up|down|show|partition|heal|shape (see --help)")
        }
        let action = words[1]
        let rest = Array(words.dropFirst(2))
        switch action {
        case "up": try up(rest)
        case "down": try down(rest)
        case "show": try show(rest)
        case "partition": try partition(rest)
        case "heal": try heal(rest)
        case "shape": try shape(rest)
        default: throw UsageError(description: "unknown chaos net action '\(action)'")
        }
    }

    private static func up(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["state"])
        let topology = try Topology.load(path: try arguments.single("topology file"))
        let runID = String(SystemRandomSource().next() & 0xFF_FFFF, radix: 16)
        let state = arguments.value("state") ?? stateDirectoryDefault
        let fabric = try NetworkFabric.up(
            nodes: topology.nodes, runID: runID, stateDirectory: state, clock: RealTimeClock())
        Console.output("fabric \(runID) up for \(topology.name): \(topology.nodes.count) hosts, state in \(state)\n")
        describe(fabric)
    }

    private static func down(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["state"])
        guard arguments.positionals.isEmpty else { throw UsageError(description: "down takes no names") }
        let state = arguments.value("state") ?? stateDirectoryDefault
        if let fabric = try? NetworkFabric.attach(stateDirectory: state, clock: RealTimeClock()) {
            try fabric.down()
            Console.output("fabric \(fabric.layout.runID) down\n")
        }
        let leftovers = try NetworkFabric.removeLeftovers(stateDirectory: state)
        Console.output(
            leftovers.isEmpty
                ? "no namespaces left over\n"
                : "removed \(leftovers.count) leftover namespaces: \(leftovers.joined(separator: " "))\n")
    }

    private static func show(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["state"])
        describe(try attach(arguments))
    }

    private static func partition(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["state"], switches: ["one-way"])
        let fabric = try attach(arguments)
        let (first, second) = try sides(arguments, fabric)
        if arguments.flag("one-way") {
            try fabric.partitionOneWay(from: first, to: second)
        } else {
            try fabric.partition(first, second)
        }
        let arrow = arguments.flag("one-way") ? "→" : "⇎"
        Console.output("cut \(list(first)) \(arrow) \(list(second))\n")
    }

    private static func heal(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["state"])
        let fabric = try attach(arguments)
        if arguments.positionals.isEmpty {
            try fabric.healAll()
            Console.output("every cut healed\n")
        } else {
            let (first, second) = try sides(arguments, fabric)
            try fabric.heal(first, second)
            Console.output("healed \(list(first)) ⇔ \(list(second))\n")
        }
    }

    private static func shape(_ words: [String]) throws {
        let arguments = try Arguments(
            words, valued: ["state", "delay-ms", "jitter-ms", "loss-percent", "rate-kbit"], switches: ["both-ways"])
        let fabric = try attach(arguments)
        let (first, second) = try sides(arguments, fabric)
        var shape = LinkShape()
        shape.delayMilliseconds = try arguments.integer("delay-ms", in: 0...LinkShape.delayMillisecondsMax) ?? 0
        shape.jitterMilliseconds = try arguments.integer("jitter-ms", in: 0...LinkShape.delayMillisecondsMax) ?? 0
        shape.rateKilobitsPerSecond = try arguments.integer(
            "rate-kbit", in: LinkShape.rateKilobitsPerSecondMin...Int(Int32.max))
        if let text = arguments.value("loss-percent") {
            guard let loss = Double(text), loss >= 0, loss <= 100 else {
                throw UsageError(description: "--loss-percent must be a number from 0 to 100, got '\(text)'")
            }
            shape.lossPercent = loss
        }
        try fabric.shape(from: first, to: second, as: shape)
        if arguments.flag("both-ways") { try fabric.shape(from: second, to: first, as: shape) }
        let arrow = arguments.flag("both-ways") ? "⇔" : "→"
        Console.output("shaped \(list(first)) \(arrow) \(list(second))\n")
    }

    // MARK: - Shared

    private static func attach(_ arguments: Arguments) throws -> NetworkFabric {
        try NetworkFabric.attach(
            stateDirectory: arguments.value("state") ?? stateDirectoryDefault, clock: RealTimeClock())
    }

    private static func sides(_ arguments: Arguments, _ fabric: NetworkFabric) throws -> ([String], [String]) {
        guard arguments.positionals.count == 2 else {
            throw UsageError(
                description: "expected two sides (hosts, sites or territories, comma-separated, or 'rest'), got "
                    + "\(arguments.positionals.count)")
        }
        let sides = try HostSelection.sides(
            arguments.positionals[0], arguments.positionals[1], in: fabric.layout.nodes)
        return (sides.first, sides.second)
    }

    private static func describe(_ fabric: NetworkFabric) {
        let layout = fabric.layout
        var lines = ["host             territory           site            address      namespace"]
        for (index, node) in layout.nodes.enumerated() {
            lines.append(
                pad(node.name, 16) + " " + pad(node.territory.name, 19) + " " + pad(node.site.name, 15) + " "
                    + pad(layout.address(ofIndex: index), 12) + " " + layout.namespace(of: node.name))
        }
        lines.append(
            "observer \(FabricLayout.observerAddress) in \(layout.fabricNamespace) reaches every host whatever the "
                + "cuts; run a command in a host with: ip netns exec NAMESPACE COMMAND")
        if !fabric.hasNetem { lines.append("this kernel has no netem: delay and jitter are refused") }
        let faults = fabric.faults
        let cuts = faults.cutLinks.sorted().map(\.description)
        lines.append("cut: " + (cuts.isEmpty ? "none" : cuts.joined(separator: " ")))
        for (link, shape) in faults.shapes.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "shaped \(link): delay \(shape.delayMilliseconds) ms, jitter \(shape.jitterMilliseconds) ms, loss "
                    + "\(shape.lossPercent) %, rate "
                    + (shape.rateKilobitsPerSecond.map { "\($0) kbit/s" } ?? "uncapped"))
        }
        Console.output(lines.joined(separator: "\n") + "\n")
    }

    private static func list(_ hosts: [String]) -> String { hosts.joined(separator: ",") }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
