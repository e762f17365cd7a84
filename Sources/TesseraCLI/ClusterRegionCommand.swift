// `tessera cluster up TOPOLOGY`, `cluster status` and `cluster down`: a whole region on this machine's loopback, one
// `tessera node` process per node of the topology on its own address (127.0.0.10, .11, …) with the same ports,
// their folders, configs, logs and the cluster key under one region folder. `up` waits until every node sees every
// other alive and prints where clients connect; `status` asks each node's /healthz; `down` stops them gracefully.
import Catalog
import Chaos
import Coding
import Foundation
import Glibc
import Node
import Posix
import Primitives

/// The region subcommands of `cluster`.
enum ClusterRegionCommand {
    /// The folder regions live in when `--data` is not given.
    static let directoryDefault = "tessera-region"

    /// `cluster up TOPOLOGY [--data DIR] [--first-address A] [--http-port N] [--gossip-port N]
    /// [--internal-port N] [--dimse-port N]`.
    static func up(_ words: [String]) throws {
        let arguments = try Arguments(
            words,
            valued: ["data", "first-address", "http-port", "gossip-port", "internal-port", "dimse-port", "settings"])
        guard arguments.positionals.count == 1 else {
            throw UsageError(description: "cluster up takes one topology file, e.g. Cluster/grand-est.json")
        }
        let topology = try Topology.load(path: arguments.positionals[0])
        let directory = absolute(arguments.value("data") ?? directoryDefault)
        if let running = try? RegionState.load(directory), running.nodes.contains(where: { isRunning($0.pid) }) {
            throw ClientError(
                "a region is already running from \(directory) (\(running.name)); tessera cluster status shows it, "
                    + "tessera cluster down stops it")
        }
        let addresses = try loopbackAddresses(
            from: arguments.value("first-address") ?? "127.0.0.10",
            count: topology.nodes.count)
        let httpPort = try arguments.integer("http-port", in: 1...65_535) ?? 8042
        let gossipPort = try arguments.integer("gossip-port", in: 1...65_535) ?? 7946
        let internalPort = try arguments.integer("internal-port", in: 1...65_535) ?? 8043
        let dimsePort = try arguments.integer("dimse-port", in: 1...65_535) ?? 4242
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keyFile = directory + "/cluster.key"
        if !FileManager.default.fileExists(atPath: keyFile) {
            let keyring = try ClusterKeyring(primary: ClusterKey.makeRandom())
            guard
                FileManager.default.createFile(
                    atPath: keyFile, contents: Data(keyring.fileText.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ClientError("cannot write \(keyFile)") }
        }
        let certificates = try ClusterCertsCommand.ensure(
            nodes: zip(topology.nodes, addresses).map { ($0.name, $1) }, directory: directory + "/certs")
        let seeds = addresses.prefix(2).map { "\($0):\(gossipPort)" }
        let settings = try arguments.value("settings").map(Self.settings) ?? [:]
        var state = RegionState(name: topology.name, nodes: [])
        for (node, address) in zip(topology.nodes, addresses) {
            let folder = directory + "/nodes/" + node.name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let configuration = try RegionNodeConfiguration.make(
                node: node, address: address, dataDirectory: folder + "/data",
                ports: RegionNodeConfiguration.Ports(
                    http: httpPort, gossip: gossipPort, internalAPI: internalPort, dimse: dimsePort),
                keyFile: keyFile, seeds: seeds, authority: certificates.authority,
                files: certificates.nodes[node.name]!, settings: settings)
            let configPath = folder + "/node.json"
            try RegionNodeConfiguration.write(configuration, to: configPath)
            let log = folder + "/node.log"
            let pid = try DetachedProcess.start(
                executable: ChildProcess.tesseraExecutable, arguments: ["node", "--config", configPath], logPath: log)
            state.nodes.append(
                RegionState.Node(
                    name: node.name, territory: node.territory.name, site: node.site.name,
                    http: "\(address):\(httpPort)", gossip: "\(address):\(gossipPort)", pid: pid, directory: folder))
            try state.save(directory)
            Console.error("started \(node.name) (\(node.site)/\(node.territory)) on \(address), PID \(pid)")
        }
        try waitUntilServing(state)
        try waitUntilConverged(state, seconds: 60)
        Console.output(try table(state) + "\n")
        let first = state.nodes[0]
        Console.output(
            """
            The region \(state.name) is up: \(state.nodes.count) nodes, data and logs under \(directory).
            DICOMweb at any node, e.g. http://\(first.http)/dicom-web (anonymous read and write, this machine only);
            a study stored at one node is kept at two sites in different territories and readable at every node.
            DIMSE at any node on port \(dimsePort), AE title TESSERA, any caller, e.g. with dcmtk:
              echoscu -aec TESSERA \(addresses[0]) \(dimsePort)
              storescu -aec TESSERA \(addresses[0]) \(dimsePort) FILE...
              findscu -S -aec TESSERA -k QueryRetrieveLevel=STUDY -k StudyInstanceUID \(addresses[0]) \(dimsePort)
              getscu -S -aec TESSERA -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=UID -od DIR \(addresses[0]) \(
                dimsePort)
            every node moves to \(RegionNodeConfiguration.moveDestination.title) at 127.0.0.1:\(
                RegionNodeConfiguration.moveDestination.port): start `storescp -od DIR \(
                RegionNodeConfiguration.moveDestination.port)`, then
              movescu -S -aec TESSERA -aem \(RegionNodeConfiguration.moveDestination.title) \
            -k QueryRetrieveLevel=STUDY -k StudyInstanceUID=UID \(addresses[0]) \(dimsePort)
              status:  tessera cluster status --data \(directory)
              stop:    tessera cluster down --data \(directory)

            """)
    }

    /// `cluster start [NODE…] [--data DIR]`: starts again the named nodes of the region (all, without names) that are
    /// not running, with the configs `up` wrote, and waits until they serve.
    static func start(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"])
        let directory = absolute(arguments.value("data") ?? directoryDefault)
        var state = try RegionState.load(directory)
        let names = Set(arguments.positionals)
        if let unknown = names.first(where: { name in !state.nodes.contains { $0.name == name } }) {
            throw ClientError("the region in \(directory) has no node \(unknown)")
        }
        var started = RegionState(name: state.name, nodes: [])
        var logLengths: [Int] = []
        for index in state.nodes.indices where names.isEmpty || names.contains(state.nodes[index].name) {
            let node = state.nodes[index]
            guard !isRunning(node.pid) else { continue }
            logLengths.append(logLength(node))
            state.nodes[index].pid = try DetachedProcess.start(
                executable: ChildProcess.tesseraExecutable,
                arguments: ["node", "--config", node.directory + "/node.json"], logPath: node.directory + "/node.log")
            try state.save(directory)
            started.nodes.append(state.nodes[index])
            Console.error("started \(node.name) again, PID \(state.nodes[index].pid)")
        }
        try waitUntilServing(started, since: logLengths)
        Console.output("\(started.nodes.count) nodes started; tessera cluster status --data \(directory) shows them\n")
    }

    /// `cluster status [--data DIR]`: one row per node.
    static func status(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"])
        let directory = absolute(arguments.value("data") ?? directoryDefault)
        Console.output(try table(try RegionState.load(directory)) + "\n")
    }

    /// `cluster down [--data DIR]`: SIGTERM to every node, SIGKILL to those still running after 30 s.
    static func down(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"])
        let directory = absolute(arguments.value("data") ?? directoryDefault)
        let state = try RegionState.load(directory)
        for node in state.nodes where isRunning(node.pid) { kill(node.pid, SIGTERM) }
        let deadline = ChildProcess.deadline(seconds: 30)
        while state.nodes.contains(where: { isRunning($0.pid) }) && MonotonicClock().now() < deadline {
            ChildProcess.pause(milliseconds: 100)
        }
        for node in state.nodes where isRunning(node.pid) {
            Console.error("\(node.name) (PID \(node.pid)) did not stop within 30 s; killing it")
            kill(node.pid, SIGKILL)
        }
        Console.output("stopped the \(state.nodes.count) nodes of \(state.name); their data stays in \(directory)\n")
    }

    // MARK: - Helpers

    /// The cluster settings in the JSON object of `path` (`--settings`): timings and data-plane keys every node
    /// gets, e.g. {"probeIntervalMilliseconds": 200, "downOutSeconds": 10}. Addresses, seeds, the key file and the
    /// territory come from the topology and may not be set here.
    static func settings(_ path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw ClientError("--settings \(path) is not a readable JSON object") }
        for key in ["territory", "gossip", "seeds", "keyFile"] where object[key] != nil {
            throw ClientError("--settings \(path): '\(key)' comes from the topology; remove it")
        }
        return object
    }

    /// `cluster` with `settings` laid over it, decoded strictly (an unknown key or a bad value is an error naming it).
    static func overlay(_ settings: [String: Any], on cluster: NodeConfiguration.Cluster) throws
        -> NodeConfiguration.Cluster
    {
        guard !settings.isEmpty else { return cluster }
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(cluster)) as? [String: Any] ?? [:]
        object.merge(settings) { _, new in new }
        let merged = try JSONDecoder().decode(
            NodeConfiguration.Cluster.self, from: JSONSerialization.data(withJSONObject: object))
        try merged.validate()
        return merged
    }

    /// Whether `pid` runs a process (and not a zombie this process must reap).
    static func isRunning(_ pid: Int32) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        return DetachedProcess.isRunning(pid)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// `count` consecutive loopback addresses from `first` (127.x.y.z, staying inside 127.0.0.0/8).
    static func loopbackAddresses(from first: String, count: Int) throws -> [String] {
        let parts = first.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4, parts[0] == 127, Int(parts[3]) + count <= 255 else {
            throw UsageError(
                description: "--first-address must be a loopback IPv4 address 127.x.y.z with room for "
                    + "\(count) nodes (got \(first))")
        }
        return (0..<count).map { "127.\(parts[1]).\(parts[2]).\(Int(parts[3]) + $0)" }
    }

    /// The bytes in a node's log now.
    static func logLength(_ node: RegionState.Node) -> Int {
        FileManager.default.contents(atPath: node.directory + "/node.log")?.count ?? 0
    }

    /// Waits for every node's "DICOMweb:" line (past `since[i]` bytes of its log, which a restart appends to);
    /// throws with the log's end of one that exited.
    static func waitUntilServing(_ state: RegionState, since: [Int]? = nil) throws {
        for (index, node) in state.nodes.enumerated() {
            let log = node.directory + "/node.log"
            let deadline = ChildProcess.deadline(seconds: 60)
            while true {
                let bytes = FileManager.default.contents(atPath: log) ?? Data()
                let text = String(decoding: bytes.dropFirst(since?[index] ?? 0), as: UTF8.self)
                if text.contains("DICOMweb: ") { break }
                guard isRunning(node.pid) else {
                    throw ClientError("\(node.name) exited at start; \(log): \(text.suffix(600))")
                }
                guard MonotonicClock().now() < deadline else {
                    throw ClientError("\(node.name) did not start within 60 s; see \(log)")
                }
                ChildProcess.pause(milliseconds: 100)
            }
        }
    }

    /// Waits until every node sees every node alive.
    static func waitUntilConverged(_ state: RegionState, seconds: Double) throws {
        let deadline = ChildProcess.deadline(seconds: seconds)
        Console.error("waiting for the \(state.nodes.count) nodes to see each other alive…")
        while MonotonicClock().now() < deadline {
            let reports = state.nodes.map { health($0) }
            if reports.allSatisfy({ $0?.membership?.alive == state.nodes.count }) { return }
            ChildProcess.pause(milliseconds: 250)
        }
        throw ClientError(
            "membership did not converge within \(Int(seconds)) s; tessera cluster status shows each node's view")
    }

    /// A node's /healthz report, nil when it does not answer.
    static func health(_ node: RegionState.Node) -> NodeHealth? {
        NodeHealth.fetch(from: node.http, clock: MonotonicClock())
    }

    /// The status table: territory, site, node, state, members alive, instances catalogued and held, instances
    /// below R copies (by the node's last audit walk; "…" before one ended), free space, outbox, lag.
    static func table(_ state: RegionState) throws -> String {
        let header = [
            "territory", "site", "node", "address", "state", "alive", "instances", "held", "below R", "free GB",
            "outbox", "lag s",
        ]
        var rows: [[String]] = []
        for node in state.nodes {
            let report = isRunning(node.pid) ? health(node) : nil
            let region = report?.region
            rows.append([
                node.territory, node.site, node.name, node.http,
                report?.status ?? (isRunning(node.pid) ? "not answering" : "down"),
                report.map { "\($0.membership?.alive ?? 0)/\(state.nodes.count)" } ?? "-",
                report.map { "\($0.instanceCount)" } ?? "-",
                region.map { "\($0.heldInstanceCount)" } ?? "-",
                region.map { $0.instancesBelowReplicaCount.map { "\($0)" } ?? "…" } ?? "-",
                region.map { String(format: "%.1f", Double($0.bytesFree) / 1e9) } ?? "-",
                region.map { "\($0.outboxDepth)" } ?? "-",
                region.map { String(format: "%.1f", $0.replicationLagSeconds) } ?? "-",
            ])
        }
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }
}
