// The nodes of a chaos run, each a `tessera node` in its own namespace of the fabric: their configs (one cluster
// key, the cluster CA and a certificate per node for the internal API's mutual TLS, short membership timings and a
// 10 s downOut so a run sees detection and repair in minutes), and what the nemesis does to their processes: kill,
// stop and continue, restart, start with a skewed clock (libfaketime). A node named by a full-disk fault gets its
// data on a size-limited filesystem (tmpfs) the runner mounts.
import Chaos
import Coding
import Foundation
import Glibc
import Membership
import Node
import Posix
import Primitives
import Synchronization

/// The running nodes of one chaos run.
final class ChaosNodes: Sendable {
    /// Ports every node listens on, each in its own namespace.
    static let httpPort = 8042
    static let gossipPort = 7946
    static let internalPort = 8043
    /// The token every client of the run presents (admin: reads, writes and /admin).
    static let token = "chaos-admin-token-0123456789abcdef"
    /// The cluster settings of a run: the membership timings of the fabric tests, the data plane of the bench.
    static let settings: [String: Int] = [
        "probeIntervalMilliseconds": 200, "probeTimeoutMilliseconds": 100, "suspicionMultiplier": 4,
        "suspicionMaxTimeoutMultiplier": 3, "gossipIntervalMilliseconds": 50, "pushPullIntervalSeconds": 2,
        "antiEntropyIntervalSeconds": 1, "downOutSeconds": 10, "auditInstancesPerSecond": 1_000,
    ]
    /// The size of a full-disk node's filesystem.
    static let limitedFilesystemBytes = 256 << 20

    /// How long a killed or paused node takes at most to be seen dead with `settings`, for the checker: the
    /// fabric tests' bound for a cut (a round of probes of every other node stretched by the local health
    /// multiplier at its ceiling, the longest suspicion, slack for dissemination).
    static func detectionBoundSeconds(nodeCount: Int) -> Double {
        let probe = 0.2
        return Double(nodeCount) * probe * Double(MembershipConfiguration().awarenessMax) + 4 * 3 * probe + 4
    }

    let fabric: NetworkFabric
    let nodes: [TopologyNode]
    /// The run's folder: configs, data, logs.
    let directory: String
    private let state: Mutex<[String: NodeState]>

    /// What the runner knows of one node's process.
    struct NodeState {
        var child: ChildProcess?
        var isPaused = false
        var skewSeconds = 0.0
        var generation = 0
    }

    init(fabric: NetworkFabric, nodes: [TopologyNode], directory: String) {
        self.fabric = fabric
        self.nodes = nodes
        self.directory = directory
        state = Mutex(Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, NodeState()) }))
    }

    /// "10.77.0.2:8042".
    func http(_ name: String) -> String {
        ((try? fabric.layout.address(of: name)) ?? "") + ":\(Self.httpPort)"
    }

    func dataDirectory(_ name: String) -> String { directory + "/nodes/" + name + "/data" }

    /// Writes the key, the certificates and every node's config; mounts a size-limited filesystem for the data of
    /// each node in `limitedDisks`.
    func configure(limitedDisks: Set<String>) throws {
        let keyFile = directory + "/cluster.key"
        let keyring = try ClusterKeyring(primary: ClusterKey.makeRandom())
        guard
            FileManager.default.createFile(
                atPath: keyFile, contents: Data(keyring.fileText.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ClientError("cannot write \(keyFile)") }
        let addresses = try nodes.map { ($0.name, try fabric.layout.address(of: $0.name)) }
        let certificates = try ClusterCertsCommand.ensure(nodes: addresses, directory: directory + "/certs")
        let seeds = addresses.prefix(2).map { "\($0.1):\(Self.gossipPort)" }
        for (node, address) in zip(nodes, addresses.map(\.1)) {
            let folder = directory + "/nodes/" + node.name
            try FileManager.default.createDirectory(atPath: dataDirectory(node.name), withIntermediateDirectories: true)
            if limitedDisks.contains(node.name) { try mountLimited(dataDirectory(node.name)) }
            var configuration = try RegionNodeConfiguration.make(
                node: node, address: address, dataDirectory: dataDirectory(node.name),
                ports: RegionNodeConfiguration.Ports(
                    http: Self.httpPort, gossip: Self.gossipPort, internalAPI: Self.internalPort),
                keyFile: keyFile, seeds: seeds, authority: certificates.authority,
                files: certificates.nodes[node.name]!, settings: Self.settings)
            configuration.allowAnonymous = false
            configuration.readCacheBytes = 32 << 20
            configuration.tokens = [NodeConfiguration.AccessToken(name: "chaos", token: Self.token, role: .admin)]
            configuration.limits.shutdownTimeoutSeconds = 2
            try RegionNodeConfiguration.write(configuration, to: folder + "/node.json")
        }
    }

    /// Unmounts the size-limited filesystems (after every node stopped).
    func unmountLimited(_ names: Set<String>) {
        for name in names { _ = umount2(dataDirectory(name), Int32(MNT_DETACH)) }
    }

    private func mountLimited(_ path: String) throws {
        guard mount("tessera-chaos", path, "tmpfs", 0, "size=\(Self.limitedFilesystemBytes),mode=0755") == 0 else {
            throw ClientError(
                "cannot mount a \(Self.limitedFilesystemBytes >> 20) MiB tmpfs on \(path) for the full-disk fault: "
                    + String(cString: strerror(errno)))
        }
    }

    // MARK: - Processes

    /// Starts node `name` (again) in its namespace, with its clock skewed if one was set, and waits until it serves.
    func start(_ name: String) throws {
        let (skew, generation) = state.withLock { nodes -> (Double, Int) in
            nodes[name]!.generation += 1
            return (nodes[name]!.skewSeconds, nodes[name]!.generation)
        }
        let logs = directory + "/logs/\(generation)"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var executable = ChildProcess.tesseraExecutable
        var arguments = ["node", "--config", directory + "/nodes/" + name + "/node.json"]
        if skew != 0 {
            arguments =
                [
                    "LD_PRELOAD=" + (try Self.fakeTimeLibrary()), "FAKETIME=" + (skew > 0 ? "+" : "") + "\(Int(skew))",
                    "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_NO_CACHE=1", executable,
                ] + arguments
            executable = "/usr/bin/env"
        }
        let child = try fabric.start(in: name, executable: executable, arguments: arguments, logDirectory: logs)
        state.withLock {
            $0[name]!.child = child
            $0[name]!.isPaused = false
        }
        _ = try child.waitForLine(containing: "DICOMweb: ", seconds: 60)
    }

    /// SIGKILL: the node dies mid-write, as on a power cut.
    func kill(_ name: String) {
        guard let child = state.withLock({ $0[name]!.child }) else { return }
        child.send(SIGKILL)
        _ = child.waitForExit()
        state.withLock {
            $0[name]!.child = nil
            $0[name]!.isPaused = false
        }
    }

    func pause(_ name: String) {
        state.withLock { nodes in
            guard let child = nodes[name]!.child else { return }
            child.send(SIGSTOP)
            nodes[name]!.isPaused = true
        }
    }

    func resume(_ name: String) {
        state.withLock { nodes in
            guard let child = nodes[name]!.child else { return }
            child.send(SIGCONT)
            nodes[name]!.isPaused = false
        }
    }

    /// Stops node `name` cleanly (SIGTERM, 15 s grace) and starts it again.
    func restart(_ name: String) throws {
        stop(name)
        try start(name)
    }

    func stop(_ name: String) {
        resume(name)
        guard let child = state.withLock({ $0[name]!.child }) else { return }
        child.stop(graceSeconds: 15)
        state.withLock { $0[name]!.child = nil }
    }

    /// The clock skew node `name` has been given (from its next start).
    func skew(_ name: String) -> Double { state.withLock { $0[name]!.skewSeconds } }

    /// The clock skew node `name` gets from its next start.
    func setSkew(_ name: String, seconds: Double) { state.withLock { $0[name]!.skewSeconds = seconds } }

    /// Whether node `name` runs and is not stopped.
    func isLive(_ name: String) -> Bool {
        state.withLock { nodes in
            guard let node = nodes[name], let child = node.child else { return false }
            return child.isRunning && !node.isPaused
        }
    }

    /// The process ids of the running nodes.
    func pids() -> [String: Int32] {
        state.withLock { nodes in nodes.compactMapValues { $0.child.map(\.pid) } }
    }

    /// Every node that runs (paused or not).
    func running() -> [String] {
        state.withLock { nodes in nodes.filter { $0.value.child?.isRunning ?? false }.map(\.key).sorted() }
    }

    /// Nodes not running: never started again after a kill.
    func stopped() -> [String] { nodes.map(\.name).filter { !running().contains($0) } }

    func stopAll() {
        for node in nodes { stop(node.name) }
    }

    /// libfaketime's library, which Debian's `faketime` package installs.
    static func fakeTimeLibrary() throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []
        for folder in ["/usr/lib/faketime"] + folders.map({ "/usr/lib/\($0)/faketime" }) {
            let path = folder + "/libfaketime.so.1"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw ClientError(
            "the clock-skew fault needs libfaketime (Debian package faketime: apt-get install faketime); it is missing")
    }
}
