// `tessera bench region`: a four-node, three-territory region of real processes on loopback (tessera cluster up),
// and one lone node as the reference in the same run. Measures STOW-RS ingest at one site with ack=local and
// ack=remote against the lone node, the replication lag under that load (the outbox's oldest entry, sampled every
// 100 ms), WADO-RS of a study from a node that must fetch it against a read at its holder, the chunk bytes moved
// when a study is sent again at another site, and the time from killing a holder to every study being back at R
// copies (downOut 10 s) with the stand-in's heal rate; then catalog convergence after a partition
// (RegionPartitionBench, on a second region).
import Foundation
import Glibc
import Node
import Posix
import Primitives
import Synchronization

/// The region benchmark.
public struct RegionBench {
    /// Slices of each generated study (512×512 CT, about 0.5 MB each).
    public var sliceCount: Int
    /// Where the region, the lone node and the studies live.
    public let directory: String
    /// A short run: 10,000 instances and a 15 s partition instead of 100,000 and 60 s.
    public var isQuick = false

    public init(sliceCount: Int, directory: String) {
        self.sliceCount = sliceCount
        self.directory = directory
    }

    static let topology = """
        {"name": "bench-region", "territories": [
          {"name": "alsace", "sites": [{"name": "strasbourg", "nodes": [{"name": "strasbourg-1", "volumeCount": 6}]},
                                       {"name": "colmar", "nodes": [{"name": "colmar-1", "volumeCount": 6}]}]},
          {"name": "lorraine", "sites": [{"name": "nancy", "nodes": [{"name": "nancy-1", "volumeCount": 6}]}]},
          {"name": "champagne-ardenne", "sites": [
            {"name": "reims", "nodes": [{"name": "reims-1", "volumeCount": 6}]}]}]}
        """
    static let settings = """
        {"probeIntervalMilliseconds": 200, "probeTimeoutMilliseconds": 100, "gossipIntervalMilliseconds": 50,
         "pushPullIntervalSeconds": 2, "antiEntropyIntervalSeconds": 1, "downOutSeconds": 10,
         "auditInstancesPerSecond": 2000}
        """
    static let downOutSeconds = 10.0

    /// A node of the region: its name, HTTP address and process id.
    struct Node {
        let name: String
        let http: String
        let pid: Int32
    }

    /// Runs the bench; returns the lines to print.
    public func run() throws -> [String] {
        var table = BenchTable()
        let notes = try measureDataPlane(into: &table)
        var partition = RegionPartitionBench(directory: directory + "/partition")
        if isQuick {
            partition.instanceCount = 10_000
            partition.partitionSeconds = 15
        }
        table.add(try partition.run())
        return table.render() + notes
    }

    /// Ingest, lag, remote reads, re-sending and kill-to-R-copies on the first region; returns the notes.
    private func measureDataPlane(into table: inout BenchTable) throws -> [String] {
        Console.error("bench region: starting 4 nodes in 3 territories and a lone node…")
        let region = try Self.clusterUp(
            in: directory, topology: Self.topology, settings: Self.settings, firstAddress: "127.0.0.120")
        defer {
            _ = try? ChildProcess.run(
                ChildProcess.tesseraExecutable, ["cluster", "down", "--data", region], logDirectory: directory)
        }
        let nodes = try Self.nodes(region)
        let lone = try DICOMwebBench.startNode(data: directory + "/lone", logDirectory: directory, readCacheBytes: 0)
        defer { lone.process.stop() }
        Console.error("bench region: generating two studies of \(sliceCount) slices…")
        let first = try BenchStudy.generate(
            directory: directory + "/study-a", seed: 31, sliceCount: sliceCount, rows: 512, columns: 512)
        let second = try BenchStudy.generate(
            directory: directory + "/study-b", seed: 32, sliceCount: sliceCount, rows: 512, columns: 512)
        let origin = nodes[0]

        // Ingest with ack=local at one site, against the lone node, and the lag it leaves.
        Console.error("bench region: STOW-RS with ack=local…")
        let loneLocal = try Self.time { try DICOMwebPeer(name: "lone", origin: lone.origin).store(first.files) }
        let sampler = LagSampler(http: origin.http)
        let local = try Self.time {
            try DICOMwebPeer(name: "region", origin: "http://\(origin.http)").store(first.files)
        }
        let drain = try sampler.finish(afterDrainWithin: 120)
        table.add(
            Self.throughput(
                "STOW-RS at one site, ack=local, MB/s (vs a lone node)", bytes: first.totalBytes, seconds: local,
                referenceSeconds: loneLocal,
                ratioMin: 0.7))
        table.add(
            BenchRow(
                figure: "replication lag p50 / p99 under that load (oldest outbox entry)",
                ours: String(format: "%.2f / %.2f s", drain.p50, drain.p99), reference: "", ratio: nil,
                target: "p99 ≤ 2 s", isMet: drain.p99 <= 2))

        // Ingest with ack=remote.
        Console.error("bench region: STOW-RS with ack=remote…")
        let loneRemote = try Self.time { try DICOMwebPeer(name: "lone", origin: lone.origin).store(second.files) }
        let remotePeer = try DICOMwebPeer(name: "region", origin: "http://\(origin.http)")
        remotePeer.storeQuery = "?ack=remote"
        let remote = try Self.time { try remotePeer.store(second.files) }
        table.add(
            Self.throughput(
                "STOW-RS at one site, ack=remote, MB/s (vs a lone node)", bytes: second.totalBytes, seconds: remote,
                referenceSeconds: loneRemote,
                ratioMin: 0))

        // A read from a node that holds nothing of the study, against a read at its holder.
        try Self.waitUntil(seconds: 60, "every node catalogues both studies") {
            nodes.allSatisfy { Self.health($0)?.instanceCount == 2 * sliceCount }
        }
        guard let reader = nodes.first(where: { Self.health($0)?.region?.heldInstanceCount == 0 }) else {
            throw BenchError("no node is without a copy (placement put every study everywhere)")
        }
        Console.error("bench region: WADO-RS at \(reader.name), which holds nothing, and at \(origin.name)…")
        let localRead = try Self.time {
            _ = try DICOMwebPeer(name: "holder", origin: "http://\(origin.http)").retrieve(
                study: first.studyInstanceUID)
        }
        let remoteRead = try Self.time {
            _ = try DICOMwebPeer(name: "reader", origin: "http://\(reader.http)").retrieve(
                study: first.studyInstanceUID)
        }
        table.add(
            Self.throughput(
                "WADO-RS of a study held elsewhere, MB/s (vs at its holder)", bytes: first.totalBytes,
                seconds: remoteRead, referenceSeconds: localRead,
                ratioMin: 0.8))

        // The same study sent again at another site moves no chunk.
        let sentBefore = nodes.compactMap { Self.health($0)?.region?.chunkBytesSent }.reduce(0, +)
        try DICOMwebPeer(name: "again", origin: "http://\(reader.http)").store(first.files)
        ChildProcess.pause(milliseconds: 3_000)
        let sentAgain = nodes.compactMap { Self.health($0)?.region?.chunkBytesSent }.reduce(0, +) - sentBefore
        table.add(
            BenchRow(
                figure: "chunk payload bytes between sites for a re-sent study", ours: "\(sentAgain)", reference: "",
                ratio: nil, target: "0", isMet: sentAgain == 0))

        // Kill a holder of the first study that is not its origin; time until every study is back at R copies.
        try table.add(killAndHeal(nodes: nodes, origin: origin, total: 2 * sliceCount))
        return [
            "note: \(sliceCount)-slice 512×512 CT studies (\(first.totalBytes / 1_000_000) MB each); 4 nodes on "
                + "loopback, R = 2, downOut \(Int(Self.downOutSeconds)) s; the lone node runs in the same run",
            "note: replication drained \(String(format: "%.1f", drain.drainSeconds)) s after the ack=local store "
                + "returned",
        ]
    }

    /// Kills the holder of the first study that is not its origin and measures the way back to R copies.
    private func killAndHeal(nodes: [Node], origin: Node, total: Int) throws -> [BenchRow] {
        guard
            let victim = nodes.first(where: {
                $0.name != origin.name && (Self.health($0)?.region?.heldInstanceCount ?? 0) > 0
            })
        else { throw BenchError("no copy holder besides the origin") }
        let survivors = nodes.filter { $0.name != victim.name }
        let healBefore = survivors.map { Self.health($0)?.region?.healBytes ?? 0 }
        Console.error("bench region: kill -9 \(victim.name), waiting for every study to be back at R copies…")
        kill(victim.pid, SIGKILL)
        let start = MonotonicClock().now()
        // The heal rate counts from the last sample before the pulled bytes first grew to the first sample at which
        // they stopped growing: sampling every 100 ms, so short heals are measured to ±0.1 s.
        var lastUnchanged = start
        var firstChange: Instant?
        var lastChange: Instant?
        var lastBytes = healBefore
        var done: Instant?
        try Self.waitUntil(seconds: 180, "every study back at R copies", every: 100) {
            let reports = survivors.map { Self.health($0) }
            let healBytes = reports.map { $0?.region?.healBytes ?? 0 }
            let now = MonotonicClock().now()
            if healBytes != lastBytes {
                if firstChange == nil { firstChange = lastUnchanged }
                lastChange = now
                lastBytes = healBytes
            } else if firstChange == nil {
                lastUnchanged = now
            }
            let held = reports.compactMap { $0?.region?.heldInstanceCount }.reduce(0, +)
            let isDone = held == 2 * total && reports.allSatisfy { $0?.region?.instancesBelowReplicaCount == 0 }
            if isDone && done == nil { done = now }
            return isDone
        }
        let seconds = Double((done ?? MonotonicClock().now()).ticks(since: start)) / Double(Instant.ticksPerSecond)
        let healed = zip(lastBytes, healBefore).map { $0 - $1 }.reduce(0, +)
        let healSeconds = firstChange.map {
            Double((lastChange ?? $0).ticks(since: $0)) / Double(Instant.ticksPerSecond)
        }
        let rate = healSeconds.map { $0 > 0 ? Double(healed) / $0 : 0 } ?? 0
        return [
            BenchRow(
                figure: "node kill → every study at R copies (downOut \(Int(Self.downOutSeconds)) s included)",
                ours: String(format: "%.1f s", seconds), reference: "", ratio: nil, target: "", isMet: nil),
            BenchRow(
                figure: "heal rate of the stand-in (bytes pulled / time they grew)",
                ours: BenchTable.megabytesPerSecond(rate) + " (\(healed / 1_000_000) MB)", reference: "", ratio: nil,
                target: "≥ 200 MB/s", isMet: rate >= 200e6),
        ]
    }

    // MARK: - Helpers

    /// A throughput row: ours against the reference's, the ratio checked against `ratioMin` (0: no target).
    static func throughput(
        _ figure: String, bytes: Int64, seconds: Double, referenceSeconds: Double, ratioMin: Double
    ) -> BenchRow {
        let ours = Double(bytes) / seconds
        let reference = Double(bytes) / referenceSeconds
        return BenchRow(
            figure: figure, ours: BenchTable.megabytesPerSecond(ours),
            reference: BenchTable.megabytesPerSecond(reference),
            ratio: ours / reference, target: ratioMin > 0 ? "≥ " + Console.fixed(ratioMin, digits: 2) : "",
            isMet: ratioMin > 0 ? ours / reference >= ratioMin : nil)
    }

    /// Starts the region `topology` with `settings` on loopback from `firstAddress` (ports 28042 and 27946), its
    /// files under `directory`; returns the region's data folder.
    static func clusterUp(in directory: String, topology: String, settings: String, firstAddress: String) throws
        -> String
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let region = directory + "/region"
        try write(topology, to: directory + "/topology.json")
        try write(settings, to: directory + "/settings.json")
        let up = try ChildProcess.run(
            ChildProcess.tesseraExecutable,
            [
                "cluster", "up", directory + "/topology.json", "--data", region, "--first-address", firstAddress,
                "--http-port", "28042", "--gossip-port", "27946", "--settings", directory + "/settings.json",
            ], logDirectory: directory)
        guard up.status == 0 else { throw BenchError("cluster up failed: \(up.errorOutput.suffix(800))") }
        return region
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw BenchError("cannot write \(path)")
        }
    }

    /// The nodes `cluster up` wrote in the region's state file.
    static func nodes(_ region: String) throws -> [Node] {
        guard let data = FileManager.default.contents(atPath: region + "/region.json"),
            let state = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let nodes = state["nodes"] as? [[String: Any]]
        else { throw BenchError("\(region)/region.json is missing or not a region state file") }
        return nodes.map {
            Node(
                name: $0["name"] as? String ?? "", http: $0["http"] as? String ?? "", pid: Int32($0["pid"] as? Int ?? 0)
            )
        }
    }

    /// A node's /healthz report, nil when it does not answer.
    static func health(_ node: Node) -> NodeHealth? { health(http: node.http) }

    static func health(http: String) -> NodeHealth? { NodeHealth.fetch(from: http, clock: MonotonicClock()) }

    /// The seconds `body` takes.
    static func time(_ body: () throws -> Void) throws -> Double {
        let start = MonotonicClock().now()
        try body()
        return Double(MonotonicClock().now().ticks(since: start)) / Double(Instant.ticksPerSecond)
    }

    /// Polls `condition` every `milliseconds` for up to `seconds`; throws naming `what` when it never holds.
    static func waitUntil(seconds: Double, _ what: String, every milliseconds: Int32 = 200, _ condition: () -> Bool)
        throws
    {
        let deadline = ChildProcess.deadline(seconds: seconds)
        while MonotonicClock().now() < deadline {
            if condition() { return }
            ChildProcess.pause(milliseconds: milliseconds)
        }
        throw BenchError("\(what) did not happen within \(Int(seconds)) s")
    }
}

/// Samples a node's replication lag every 100 ms on its own thread, from start until its outbox is empty.
final class LagSampler: Sendable {
    /// What the sampling thread and the bench share.
    final class Shared: Sendable {
        let samples = Mutex<[Double]>([])
        let stop = Atomic<Bool>(false)
    }

    private let shared = Shared()
    private let thread: OwnedThread
    private let http: String

    init(http: String) {
        self.http = http
        let shared = shared
        thread = OwnedThread(name: "bench-lag") {
            while !shared.stop.load(ordering: .relaxed) {
                if let lag = RegionBench.health(http: http)?.region?.replicationLagSeconds {
                    shared.samples.withLock { $0.append(lag) }
                }
                ChildProcess.pause(milliseconds: 100)
            }
        }
    }

    /// Waits until the outbox is empty (at most `seconds`), stops sampling and returns the lag's p50 and p99 and how
    /// long the drain took after this call.
    func finish(afterDrainWithin seconds: Double) throws -> (p50: Double, p99: Double, drainSeconds: Double) {
        let called = MonotonicClock().now()
        try RegionBench.waitUntil(seconds: seconds, "the outbox draining") {
            RegionBench.health(http: http)?.region?.outboxDepth == 0
        }
        let drain = Double(MonotonicClock().now().ticks(since: called)) / Double(Instant.ticksPerSecond)
        shared.stop.store(true, ordering: .relaxed)
        thread.join()
        let sorted = shared.samples.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { return (0, 0, drain) }
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        return (quantile(0.5), quantile(0.99), drain)
    }
}
