// The namespace fabric: one network namespace per host, each joined by a veth pair to a bridge that lives in a
// namespace of its own, so nothing touches the machine's root namespace or its routing. Made by `up`, found again
// by `attach` from the state folder, removed by `down`; `removeLeftovers` clears what earlier runs left behind.
// Faults (NetworkFabric+Faults) and processes in hosts (NetworkFabric+Processes) build on it.
import Glibc
import Posix
public import Primitives
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A running fabric of network namespaces.
public final class NetworkFabric: Sendable {
    /// The hosts, their namespaces and addresses.
    public let layout: FabricLayout
    /// The folder holding the state file, the operation log and the commands' scratch files.
    public let stateDirectory: String
    /// Whether the kernel has netem, so delays and jitter can be applied.
    public let hasNetem: Bool
    let netemProblem: String?
    let tools: FabricTools
    let clock: any WallClock
    /// The faults in force; held while they are applied, so operations from several threads apply one at a time.
    let faultsInForce: Mutex<FaultState>

    init(state: FabricState, tools: FabricTools, stateDirectory: String, clock: any WallClock) {
        layout = state.layout
        hasNetem = state.hasNetem
        netemProblem = state.netemProblem
        faultsInForce = Mutex(state.faults)
        self.tools = tools
        self.stateDirectory = stateDirectory
        self.clock = clock
    }

    /// Makes the namespaces, veths and bridge for `nodes` under run id `runID`, with no faults, and writes the
    /// state file in `stateDirectory` (created if needed). Refuses a folder that already holds a fabric. On any
    /// error, removes what it made before throwing.
    public static func up(
        nodes: [TopologyNode], runID: String, stateDirectory: String, clock: any WallClock
    ) throws(ChaosError) -> NetworkFabric {
        let tools = try FabricTools.locate()
        let layout = try FabricLayout(runID: runID, nodes: nodes)
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw ChaosError(.state, "cannot create the state folder \(stateDirectory): \(error)")
        }
        if let existing = try FabricState.load(stateDirectory: stateDirectory) {
            throw ChaosError(
                .state,
                "\(stateDirectory) already holds fabric run \(existing.layout.runID); `tessera chaos net down` first")
        }
        var state = FabricState(layout: layout, hasNetem: false, netemProblem: nil, faults: FaultState())
        let fabric = NetworkFabric(state: state, tools: tools, stateDirectory: stateDirectory, clock: clock)
        do {
            try fabric.build()
            (state.hasNetem, state.netemProblem) = fabric.probeNetem()
            try fabric.runTool(tools.nft, ["-f", try fabric.writeRules(FaultState())], in: layout.fabricNamespace)
            try state.save(stateDirectory: stateDirectory)
        } catch {
            fabric.removeNamespaces()
            throw error
        }
        let ready = NetworkFabric(state: state, tools: tools, stateDirectory: stateDirectory, clock: clock)
        try ready.record("up", "\(nodes.count) hosts on \(FabricLayout.addressPrefix)0.0/\(FabricLayout.prefixLength)")
        return ready
    }

    /// The fabric whose state file is in `stateDirectory`, or an error saying there is none.
    public static func attach(stateDirectory: String, clock: any WallClock) throws(ChaosError) -> NetworkFabric {
        let tools = try FabricTools.locate()
        guard let state = try FabricState.load(stateDirectory: stateDirectory) else {
            throw ChaosError(
                .state,
                "no fabric is up in \(stateDirectory) (no \(FabricState.fileName)); `tessera chaos net up` first")
        }
        return NetworkFabric(state: state, tools: tools, stateDirectory: stateDirectory, clock: clock)
    }

    /// Kills every process in the fabric's namespaces, removes the namespaces (their veths and the bridge go with
    /// them) and the state file. Safe to call twice.
    public func down() throws(ChaosError) {
        removeNamespaces()
        unlink(FabricState.path(in: stateDirectory))
        try record("down", "removed \(layout.namespaces.count) namespaces")
        let left = try Self.namespaceNames(tools: tools, scratch: stateDirectory).filter {
            layout.namespaces.contains($0)
        }
        guard left.isEmpty else {
            throw ChaosError(.command, "namespaces still present after down: \(left.joined(separator: ", "))")
        }
    }

    /// Removes every namespace any run of this runner made (names starting with `FabricLayout.namespacePrefix`),
    /// killing the processes in them, and the state file in `stateDirectory` (created if missing: the commands'
    /// scratch files go there) if there is one; returns the names removed, or throws naming any that stayed.
    public static func removeLeftovers(stateDirectory: String) throws(ChaosError) -> [String] {
        let tools = try FabricTools.locate()
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        } catch {
            throw ChaosError(.state, "cannot create the state folder \(stateDirectory): \(error)")
        }
        let isOurs = { (name: String) in name.hasPrefix(FabricLayout.namespacePrefix) }
        let names = try namespaceNames(tools: tools, scratch: stateDirectory).filter(isOurs)
        for name in names { removeNamespace(name, tools: tools, scratch: stateDirectory) }
        unlink(FabricState.path(in: stateDirectory))
        let left = try namespaceNames(tools: tools, scratch: stateDirectory).filter(isOurs)
        guard left.isEmpty else {
            throw ChaosError(.command, "namespaces still present after removal: \(left.joined(separator: ", "))")
        }
        return names
    }

    /// The faults in force.
    public var faults: FaultState { faultsInForce.withLock { $0 } }

    // MARK: - Building and removing

    private func build() throws(ChaosError) {
        let fabric = layout.fabricNamespace
        let bridge = FabricLayout.bridgeName
        let prefix = "/\(FabricLayout.prefixLength)"
        try runTool(tools.ip, ["netns", "add", fabric])
        try runTool(tools.ip, ["-n", fabric, "link", "set", "lo", "up"])
        try runTool(tools.ip, ["-n", fabric, "link", "add", bridge, "type", "bridge"])
        try runTool(tools.ip, ["-n", fabric, "addr", "add", FabricLayout.observerAddress + prefix, "dev", bridge])
        try runTool(tools.ip, ["-n", fabric, "link", "set", bridge, "up"])
        for (index, node) in layout.nodes.enumerated() {
            let host = layout.namespace(of: node.name)
            let port = layout.bridgePort(ofIndex: index)
            let device = FabricLayout.hostInterface
            try runTool(tools.ip, ["netns", "add", host])
            try runTool(tools.ip, ["-n", host, "link", "set", "lo", "up"])
            try runTool(
                tools.ip, ["-n", fabric, "link", "add", port, "type", "veth", "peer", "name", device, "netns", host])
            try runTool(tools.ip, ["-n", fabric, "link", "set", port, "master", bridge, "up"])
            try runTool(tools.ip, ["-n", host, "addr", "add", layout.address(ofIndex: index) + prefix, "dev", device])
            try runTool(tools.ip, ["-n", host, "link", "set", device, "up"])
        }
    }

    /// Whether netem can be attached here (tried on the fabric's loopback), and tc's words when it cannot.
    private func probeNetem() -> (Bool, String?) {
        let device = ["dev", "lo", "root"]
        do {
            try runTool(tools.tc, ["qdisc", "add"] + device + ["netem", "delay", "1ms"], in: layout.fabricNamespace)
        } catch {
            return (false, error.description)
        }
        _ = try? runTool(tools.tc, ["qdisc", "del"] + device, in: layout.fabricNamespace)
        return (true, nil)
    }

    func removeNamespaces() {
        for name in layout.namespaces { Self.removeNamespace(name, tools: tools, scratch: stateDirectory) }
    }

    private static func removeNamespace(_ name: String, tools: FabricTools, scratch: String) {
        let pids = (try? ChildProcess.run(tools.ip, ["netns", "pids", name], logDirectory: scratch))?.output ?? ""
        for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        _ = try? ChildProcess.run(tools.ip, ["netns", "del", name], logDirectory: scratch)
    }

    /// The network namespaces on the machine (`ip netns list`), or an error with `ip`'s words.
    private static func namespaceNames(tools: FabricTools, scratch: String) throws(ChaosError) -> [String] {
        let outcome: ChildOutcome
        do {
            outcome = try ChildProcess.run(tools.ip, ["netns", "list"], logDirectory: scratch)
        } catch {
            throw ChaosError(.command, "cannot list network namespaces: \(error)")
        }
        guard outcome.status == 0 else {
            throw ChaosError(.command, "`ip netns list` failed with status \(outcome.status): \(outcome.errorOutput)")
        }
        return outcome.output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    // MARK: - Commands and the log

    /// Runs `executable arguments…` (in `namespace` through `ip netns exec` when given) and throws with its words
    /// when it fails.
    @discardableResult
    func runTool(_ executable: String, _ arguments: [String], in namespace: String? = nil) throws(ChaosError)
        -> String
    {
        let full = namespace.map { ["netns", "exec", $0, executable] + arguments } ?? arguments
        let program = namespace == nil ? executable : tools.ip
        let outcome: ChildOutcome
        do {
            outcome = try ChildProcess.run(program, full, logDirectory: stateDirectory)
        } catch {
            throw ChaosError(.command, "cannot run \(program): \(error)")
        }
        guard outcome.status == 0 else {
            let words = outcome.errorOutput.split(separator: "\n").joined(separator: " | ")
            throw ChaosError(
                .command,
                "`\(([program] + full).joined(separator: " "))` failed with status \(outcome.status): \(words)")
        }
        return outcome.output
    }

    /// Appends one operation to the run's log.
    func record(_ operation: String, _ detail: String) throws(ChaosError) {
        try FabricOperation.append(
            FabricOperation(
                timeMilliseconds: clock.millisecondsSinceEpoch(), runID: layout.runID, operation: operation,
                detail: detail),
            stateDirectory: stateDirectory)
    }
}
