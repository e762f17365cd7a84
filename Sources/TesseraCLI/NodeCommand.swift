// `tessera node`: runs one archive node in the foreground until SIGINT or SIGTERM. Prints where DICOMweb lives and
// who may use it; start-up problems are one line and exit code 1 (TesseraCommand maps the error).
import Foundation
import Glibc
import Node
import ObjectStore
import Posix

/// The `node` subcommand.
enum NodeCommand {

    /// Runs a node until SIGINT or SIGTERM (or, with --check, only checks its configuration).
    static func run(_ words: [String]) throws {
        // First, before any thread exists: every thread started later inherits the blocked signals.
        let signals = ShutdownSignals()
        let arguments = try Arguments(
            words, valued: ["config", "data", "http", "dimse", "volumes", "read-cache-mb"], switches: ["check"])
        let configuration = try configuration(arguments)
        if arguments.flag("check") {
            // The configuration as the node would run it, defaults included, secrets hidden; nothing is opened.
            var shown = configuration
            for index in shown.tokens.indices {
                shown.tokens[index].token = "(\(shown.tokens[index].token.count) characters)"
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.output(String(decoding: try encoder.encode(shown), as: UTF8.self) + "\n")
            return
        }
        let environment = NodeEnvironment.makeReal()
        defer { (environment.executor as? PooledExecutor)?.shutDown() }
        let node = try ArchiveNode(configuration: configuration, environment: environment)
        report(node.store.openReport, directory: configuration.dataDirectory)
        try node.start()
        let store = node.store.configuration
        Console.output("tessera node \(ArchiveNode.version), node \(node.nodeID), site \(configuration.site)\n")
        if configuration.allowAnonymous {
            Console.output(
                "anonymous access is on: anyone on this machine may read and write (loopback only)\n")
        } else {
            Console.output("anonymous access is off: clients need a bearer token\n")
        }
        if !configuration.tokens.isEmpty {
            let names = configuration.tokens.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", ")
            Console.output("tokens: \(names)\n")
        }
        Console.output(
            "data: \(configuration.dataDirectory) (\(store.volumeCount) volumes, Reed-Solomon "
                + "\(store.dataShardCount)+\(store.parityShardCount)); health: \(origin(node))/healthz\n")
        if let membership = node.membership, let cluster = configuration.cluster {
            let seeds =
                cluster.seeds.isEmpty ? "none: this node founds the region" : cluster.seeds.joined(separator: ", ")
            Console.output(
                "gossip: \(membership.gossipAddress) (territory \(cluster.territory), seeds \(seeds); SIGHUP reloads "
                    + "\(cluster.keyFile))\n")
            if let tls = cluster.tls, let port = node.internalPort {
                Console.output(
                    "internal API: \(tls.listen.split(separator: ":")[0]):\(port) (mutual TLS, CA "
                        + "\(tls.certificateAuthority))\n"
                )
            }
        }
        if let dimse = configuration.dimse, let port = node.dimsePort {
            let callers = dimse.allowedCallers.map { "callers " + $0.joined(separator: ", ") } ?? "any caller"
            Console.output(
                "DIMSE: AE \(dimse.aeTitle) on \(dimse.listen.split(separator: ":")[0]):\(port) (\(callers); try "
                    + "`echoscu -aec \(dimse.aeTitle) \(dimse.listen.split(separator: ":")[0]) \(port)`)\n")
        }
        // Last, so a script that waits for the URL has every other line already.
        Console.output("DICOMweb: \(node.dicomWebURL)\n")
        var received = signals.next()
        while received == SIGHUP {
            node.reloadClusterKeys()
            received = signals.next()
        }
        guard let signal = received else { throw ClientError("waiting for shutdown signals failed") }
        let timeout = configuration.limits.shutdownTimeoutSeconds
        Console.error(
            "tessera node: \(ShutdownSignals.name(signal)) received; finishing requests in flight (up to \(timeout) s, "
                + "a second signal aborts them)")
        let aborted = node.shutdown { waitMilliseconds in
            guard let signal = signals.next(timeoutMilliseconds: waitMilliseconds) else { return false }
            return signal != SIGHUP
        }
        if aborted > 0 { Console.error("tessera node: aborted \(aborted) requests in flight") }
        Console.error("tessera node: stopped")
    }

    /// The configuration from `--config FILE`, or the loopback defaults for `--data DIR [--http ADDRESS]
    /// [--dimse ADDRESS|off] [--volumes N] [--read-cache-mb N]`.
    static func configuration(_ arguments: Arguments) throws -> NodeConfiguration {
        guard arguments.positionals.isEmpty else {
            throw UsageError(description: "node takes no positional words, got '\(arguments.positionals[0])'")
        }
        if let path = arguments.value("config") {
            for option in ["data", "http", "dimse", "volumes", "read-cache-mb"] where arguments.value(option) != nil {
                throw UsageError(description: "--\(option) cannot be combined with --config; set it in \(path)")
            }
            let configuration = try NodeConfiguration.load(path: path)
            var status = stat()
            if !configuration.tokens.isEmpty && stat(path, &status) == 0,
                let warning = permissionWarning(path: path, mode: status.st_mode)
            {
                Console.error(warning)
            }
            if let keyFile = configuration.cluster?.keyFile, stat(keyFile, &status) == 0,
                status.st_mode & sharedPermissionBits != 0
            {
                Console.error(
                    "tessera node: warning: cluster key file \(keyFile) has mode "
                        + "\(String(status.st_mode & 0o777, radix: 8)); anyone who can read it can join and forge "
                        + "gossip; run `chmod 600 \(keyFile)`")
            }
            return configuration
        }
        guard let data = arguments.value("data") else {
            throw UsageError(description: "node needs --config FILE or --data DIR")
        }
        var configuration = NodeConfiguration(
            dataDirectory: data, http: arguments.value("http") ?? NodeConfiguration.listenAddressDefault,
            allowAnonymous: true)
        if let count = try arguments.integer("volumes", in: 1...64) { configuration.volumeCount = count }
        if let megabytes = try arguments.integer(
            "read-cache-mb", in: 0...Int(NodeConfiguration.readCacheBytesMax >> 20))
        {
            configuration.readCacheBytes = Int64(megabytes) << 20
        }
        // DIMSE answers by default, as an archive's modalities expect; any caller, since the node is loopback only.
        let dimse = arguments.value("dimse") ?? NodeConfiguration.DIMSESettings.listenDefault
        if dimse != "off" {
            configuration.dimse = NodeConfiguration.DIMSESettings(listen: dimse)
            if try !(configuration.dimse?.listenAddress.isLoopback ?? true) {
                throw NodeError(
                    .configuration,
                    "--dimse \(dimse) is not a loopback address; a node other machines can reach needs the AE titles "
                        + "allowed to associate: start it with --config FILE (see README, \"DIMSE\")")
            }
        }
        if try !configuration.listenAddress.isLoopback {
            throw NodeError(
                .configuration,
                "--http \(configuration.http) is not a loopback address; a node other machines can reach needs "
                    + "access tokens: start it with --config FILE (see README, \"Running a node\")")
        }
        try configuration.validate()
        return configuration
    }

    /// The permission bits of group and others: any of them set lets another user read or change the tokens.
    static let sharedPermissionBits: mode_t = 0o077

    /// The warning for a config file holding tokens whose `mode` gives group or others any permission, else nil.
    static func permissionWarning(path: String, mode: mode_t) -> String? {
        let permissions = mode & 0o777
        guard permissions & sharedPermissionBits != 0 else { return nil }
        return "tessera node: warning: \(path) holds access tokens and its mode \(String(permissions, radix: 8)) lets "
            + "other users of this machine read or change it; run `chmod 600 \(path)`"
    }

    /// "http://host:port" (or https) of the node's client-facing port.
    private static func origin(_ node: ArchiveNode) -> String {
        String(node.dicomWebURL.dropLast(ArchiveNode.dicomWebPath.count))
    }

    /// Warns about what opening the store found: volumes replaced or unavailable.
    private static func report(_ report: StoreOpenReport, directory: String) {
        let unavailable = Set(report.unavailableVolumes.map(\.number))
        for number in report.replacedVolumes where !unavailable.contains(number) {
            Console.error(
                "tessera node: warning: volume \(number) was missing and is now empty; run `tessera scrub --data "
                    + "\(directory)` while the node is stopped to restore full redundancy")
        }
        for (number, reason) in report.unavailableVolumes {
            Console.error("tessera node: warning: volume \(number) is unavailable: \(reason)")
        }
        for line in report.unsettledNotes { Console.error("tessera node: " + line) }
    }
}
