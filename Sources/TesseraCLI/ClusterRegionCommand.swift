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
import Transport

/// The region subcommands of `cluster`.
enum ClusterRegionCommand {
    /// The folder regions live in when `--data` is not given.
    static let directoryDefault = "tessera-region"

    /// `cluster up TOPOLOGY [--data DIR] [--first-address A] [--http-port N] [--gossip-port N]`.
    static func up(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data", "first-address", "http-port", "gossip-port"])
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
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keyFile = directory + "/cluster.key"
        if !FileManager.default.fileExists(atPath: keyFile) {
            let keyring = try ClusterKeyring(primary: ClusterKey.makeRandom())
            guard
                FileManager.default.createFile(
                    atPath: keyFile, contents: Data(keyring.fileText.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ClientError("cannot write \(keyFile)") }
        }
        let seeds = addresses.prefix(2).map { "\($0):\(gossipPort)" }
        var state = RegionState(name: topology.name, nodes: [])
        for (node, address) in zip(topology.nodes, addresses) {
            let folder = directory + "/nodes/" + node.name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var configuration = NodeConfiguration(dataDirectory: folder + "/data", http: "\(address):\(httpPort)")
            configuration.site = node.site.name
            configuration.volumeCount = node.volumeCount
            var cluster = NodeConfiguration.Cluster(
                gossip: "\(address):\(gossipPort)", keyFile: keyFile,
                seeds: seeds.filter { $0 != "\(address):\(gossipPort)" })
            cluster.territory = node.territory.name
            configuration.cluster = cluster
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let configPath = folder + "/node.json"
            guard FileManager.default.createFile(atPath: configPath, contents: try encoder.encode(configuration))
            else { throw ClientError("cannot write \(configPath)") }
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
              status:  tessera cluster status --data \(directory)
              stop:    tessera cluster down --data \(directory)

            """)
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

    /// Waits for every node's "DICOMweb:" line; throws with the log's end of one that exited.
    static func waitUntilServing(_ state: RegionState) throws {
        for node in state.nodes {
            let log = node.directory + "/node.log"
            let deadline = ChildProcess.deadline(seconds: 60)
            while true {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
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
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeoutSeconds = 2
        configuration.ioTimeoutSeconds = 5
        guard
            let client = try? HTTPClient(
                baseURL: "http://\(node.http)", configuration: configuration, clock: MonotonicClock())
        else { return nil }
        defer { client.close() }
        guard var response = try? client.send(method: "GET", target: "/healthz"),
            response.status < 500 || response.status == 503,
            let body = try? response.readAll(bytesMax: 1 << 20)
        else { return nil }
        return try? JSONDecoder().decode(NodeHealth.self, from: Data(body))
    }

    /// The status table: territory, site, node, state, members alive, instances, free space, outbox, lag.
    static func table(_ state: RegionState) throws -> String {
        let header = [
            "territory", "site", "node", "address", "state", "alive", "instances", "free GB", "outbox",
            "lag s",
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
