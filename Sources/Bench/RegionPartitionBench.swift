// The partition part of `tessera bench region`: a second loopback region of four nodes (downOut left at its default,
// so the partition measures the catalog and not a repair storm) is filled with 100,000 small instances; Alsace is
// then cut from the other two territories for 60 s with nftables rules between the nodes' addresses (nodes call
// each other from their own address), 1,000 instances are stored on each side meanwhile, and the figure is the
// time from the heal until every node catalogues every instance. Needs root and nft; says so otherwise.
import Foundation
import Glibc
import HTTP
import Node
import Posix
import Primitives
import Samples
import Transport

/// Catalog convergence after a partition heals.
struct RegionPartitionBench {
    /// Where the second region lives.
    let directory: String
    /// Instances in the region before the partition, and stored on each side during it.
    var instanceCount = 100_000
    var instancesPerSideDuring = 1_000
    /// How long the two sides stay apart.
    var partitionSeconds = 60.0

    static let topology = RegionBench.topology
    static let settings = """
        {"probeIntervalMilliseconds": 200, "probeTimeoutMilliseconds": 100, "gossipIntervalMilliseconds": 50,
         "pushPullIntervalSeconds": 2, "antiEntropyIntervalSeconds": 2}
        """
    static let nftTable = "tessera_bench_partition"
    /// Instances per study and per STOW-RS request.
    static let studySize = 100
    static let requestStudies = 5

    /// The figure's row, or a row saying why it was not measured.
    func run() throws -> BenchRow {
        let figure =
            "catalog convergence after a \(Int(partitionSeconds)) s partition heals, "
            + "\(instanceCount / 1_000),000 instances"
        guard geteuid() == 0, let nft = ChildProcess.executablePath(named: "nft") else {
            return BenchRow(
                figure: figure, ours: "not measured (needs root and nft)", reference: "", ratio: nil, target: "",
                isMet: nil)
        }
        Console.error("bench region: a second region for the partition, \(instanceCount) instances…")
        let region = try RegionBench.clusterUp(
            in: directory, topology: Self.topology, settings: Self.settings, firstAddress: "127.0.0.124")
        defer {
            _ = try? ChildProcess.run(nft, ["delete", "table", "inet", Self.nftTable], logDirectory: directory)
            _ = try? ChildProcess.run(
                ChildProcess.tesseraExecutable, ["cluster", "down", "--data", region], logDirectory: directory)
        }
        let nodes = try RegionBench.nodes(region)
        let alsace = Array(nodes.prefix(2))
        let rest = Array(nodes.dropFirst(2))
        let studies = instanceCount / Self.studySize
        try Self.store(studies: 0..<studies, at: nodes[0])
        try RegionBench.waitUntil(seconds: 600, "every node catalogues \(instanceCount) instances") {
            nodes.allSatisfy { RegionBench.health($0)?.instanceCount == instanceCount }
        }

        Console.error("bench region: Alsace cut from the rest for \(Int(partitionSeconds)) s…")
        try Self.partition(alsace, from: rest, nft: nft, logDirectory: directory)
        let cut = MonotonicClock().now()
        let perSide = instancesPerSideDuring / Self.studySize
        try Self.store(studies: studies..<studies + perSide, at: alsace[0])
        try Self.store(studies: studies + perSide..<studies + 2 * perSide, at: rest[0])
        let total = instanceCount + 2 * instancesPerSideDuring
        let elapsed = Double(MonotonicClock().now().ticks(since: cut)) / Double(Instant.ticksPerSecond)
        ChildProcess.pause(milliseconds: Int32(max(0, partitionSeconds - elapsed) * 1_000))
        let counts = nodes.map { RegionBench.health($0)?.instanceCount ?? 0 }
        guard counts.allSatisfy({ $0 < total }) else {
            throw BenchError("a node catalogued both sides' writes during the partition (\(counts)): it did not cut")
        }
        _ = try ChildProcess.run(nft, ["delete", "table", "inet", Self.nftTable], logDirectory: directory)
        let healed = MonotonicClock().now()
        try RegionBench.waitUntil(seconds: 600, "every node catalogues all \(total) instances", every: 100) {
            nodes.allSatisfy { RegionBench.health($0)?.instanceCount == total }
        }
        let seconds = Double(MonotonicClock().now().ticks(since: healed)) / Double(Instant.ticksPerSecond)
        return BenchRow(
            figure: figure,
            ours: String(format: "%.1f s", seconds) + " (\(2 * instancesPerSideDuring) written during it)",
            reference: "", ratio: nil, target: "", isMet: nil)
    }

    /// Drops every packet between the addresses of `side` and those of `other`, both ways.
    static func partition(_ side: [RegionBench.Node], from other: [RegionBench.Node], nft: String, logDirectory: String)
        throws
    {
        func hosts(_ nodes: [RegionBench.Node]) -> String {
            "{ " + nodes.map { String($0.http.split(separator: ":")[0]) }.joined(separator: ", ") + " }"
        }
        let script = """
            table inet \(nftTable) {
              chain output {
                type filter hook output priority 0; policy accept;
                ip saddr \(hosts(side)) ip daddr \(hosts(other)) drop
                ip saddr \(hosts(other)) ip daddr \(hosts(side)) drop
              }
            }
            """
        let path = logDirectory + "/partition.nft"
        try RegionBench.write(script, to: path)
        let outcome = try ChildProcess.run(nft, ["-f", path], logDirectory: logDirectory)
        guard outcome.status == 0 else { throw BenchError("nft refused the partition: \(outcome.errorOutput)") }
    }

    /// Stores the studies numbered `range` (100 small CT instances each) at `node`, five studies per request.
    static func store(studies range: Range<Int>, at node: RegionBench.Node) throws {
        let peer = try DICOMwebPeer(name: node.name, origin: "http://\(node.http)")
        for first in stride(from: range.lowerBound, to: range.upperBound, by: requestStudies) {
            var writer = try MultipartWriter(boundary: MultipartWriter.makeBoundary(seed: UInt64(first)))
            var body: [UInt8] = []
            for number in first..<min(range.upperBound, first + requestStudies) {
                let instances = SyntheticInstance.study(
                    seed: 900_000 + UInt64(number), patientID: "BENCH-\(number)", sliceCount: studySize, rows: 16,
                    columns: 16)
                for instance in instances {
                    let bytes = instance.part10()
                    body += try writer.partHead(HTTPHeaders([("Content-Type", "application/dicom")])) + bytes
                }
            }
            body += try writer.close()
            try peer.store(
                body: MemorySource(body), contentType: writer.mediaType(type: "application/dicom").description,
                length: Int64(body.count))
        }
    }
}
