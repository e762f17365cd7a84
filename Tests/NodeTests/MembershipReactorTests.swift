// Goal: the membership reactor carries the core onto real sockets: three reactors on loopback UDP and TCP (127.0.0.x)
// with a shared cluster key join through one seed, all see all alive, estimate RTTs, and see a graceful leave as
// left (not dead); a reactor with another key never joins and its datagrams are counted as refused.
// Method: reactors built straight from NodeEnvironment parts (no store), short timings, polling their snapshots.
import Coding
import Foundation
import Membership
import Node
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing

@Suite struct MembershipReactorTests {
    /// One reactor with its executor.
    final class Member {
        let reactor: MembershipReactor
        let executor: PooledExecutor

        init(host: String, keyFile: String, seeds: [String], seed: UInt64, lines: LogLines) throws {
            executor = PooledExecutor(name: "reactor-test", threadCountMax: MembershipReactor.threadCountMax)
            var settings = NodeConfiguration.Cluster(gossip: "\(host):0", keyFile: keyFile, seeds: seeds)
            settings.probeIntervalMilliseconds = 100
            settings.probeTimeoutMilliseconds = 40
            settings.gossipIntervalMilliseconds = 30
            settings.pushPullIntervalSeconds = 1
            settings.suspicionMultiplier = 3
            settings.suspicionMaxTimeoutMultiplier = 2
            let environment = NodeEnvironment(
                disk: PosixDisk(), monotonicClock: MonotonicClock(), wallClock: RealTimeClock(),
                random: SeededRandomSource(seed: seed), executor: executor, network: PosixNetwork())
            reactor = try MembershipReactor(
                settings: settings, nodeID: NodeID(seed), site: try SiteID("site-\(seed)"),
                httpAddress: GossipAddress(host: host, port: 8042), softwareVersion: "test",
                environment: environment,
                volumeSpace: { [VolumeFreeSpace(volumeID: seed, bytesFree: 5, bytesTotal: 9)] },
                log: { lines.append("\(seed): \($0)") })
            try reactor.start()
        }

        deinit {
            reactor.stop()
            executor.shutDown()
        }

        func status(of node: NodeID) -> MemberStatus? {
            reactor.snapshot.rows.first { $0.nodeID == node }?.status
        }
    }

    /// Log lines of every reactor, for failure messages.
    final class LogLines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: String { lines.withLock { $0.joined(separator: "\n") } }
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    static func eventually(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func writeKeyFile(_ directory: TemporaryDirectory, name: String) throws -> String {
        let path = directory.appending(name)
        let keyring = try ClusterKeyring(primary: ClusterKey.makeRandom())
        try keyring.fileText.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("three reactors on loopback join through a seed, see each other alive, and see a leave as left")
    func convergeAndLeave() throws {
        let directory = TemporaryDirectory()
        let keyFile = try Self.writeKeyFile(directory, name: "cluster.key")
        let lines = LogLines()
        let first = try Member(host: "127.0.0.11", keyFile: keyFile, seeds: [], seed: 1, lines: lines)
        let seed = first.reactor.gossipAddress.description
        let second = try Member(host: "127.0.0.12", keyFile: keyFile, seeds: [seed], seed: 2, lines: lines)
        let third = try Member(host: "127.0.0.13", keyFile: keyFile, seeds: [seed], seed: 3, lines: lines)
        let members = [first, second, third]
        let converged = Self.eventually(seconds: 10) {
            members.allSatisfy { member in
                let snapshot = member.reactor.snapshot
                return snapshot.rows.count == 3 && snapshot.count(.alive) == 3 && snapshot.isJoined
            }
        }
        #expect(converged, "\(lines.all)")
        // Acks carry Vivaldi coordinates: each member soon has an RTT estimate for the others.
        let estimated = Self.eventually(seconds: 5) {
            first.reactor.snapshot.rows.filter { $0.nodeID != NodeID(1) }.allSatisfy { $0.rttMilliseconds != nil }
        }
        #expect(estimated)
        // Second hears from third directly once one of them has probed the other: on a loaded machine that may come
        // after first's estimates, so it is waited for.
        let heard = Self.eventually(seconds: 10) {
            second.reactor.snapshot.rows.first { $0.nodeID == NodeID(3) }?.lastHeard != nil
        }
        let row = second.reactor.snapshot.rows.first { $0.nodeID == NodeID(3) }
        #expect(row?.metadata.site == (try SiteID("site-3")))
        #expect(row?.metadata.volumes == [VolumeFreeSpace(volumeID: 3, bytesFree: 5, bytesTotal: 9)])
        #expect(heard && row?.lastHeard != nil)

        third.reactor.leaveAndStop()
        let sawLeave = Self.eventually(seconds: 5) {
            first.status(of: NodeID(3)) == .left && second.status(of: NodeID(3)) == .left
        }
        #expect(sawLeave, "\(lines.all)")
        #expect(first.status(of: NodeID(3)) != .dead)
        #expect(first.reactor.snapshot.dropCounts.values.reduce(0, +) == 0)
    }

    @Test("a reactor with another cluster key never joins, and its datagrams are counted as refused")
    func wrongKeyNeverJoins() throws {
        let directory = TemporaryDirectory()
        let keyFile = try Self.writeKeyFile(directory, name: "cluster.key")
        let otherKeyFile = try Self.writeKeyFile(directory, name: "other.key")
        let lines = LogLines()
        let first = try Member(host: "127.0.0.21", keyFile: keyFile, seeds: [], seed: 21, lines: lines)
        let seed = first.reactor.gossipAddress.description
        let second = try Member(host: "127.0.0.22", keyFile: keyFile, seeds: [seed], seed: 22, lines: lines)
        let intruder = try Member(host: "127.0.0.23", keyFile: otherKeyFile, seeds: [seed], seed: 23, lines: lines)
        #expect(Self.eventually(seconds: 10) { first.reactor.snapshot.count(.alive) == 2 }, "\(lines.all)")
        let refused = Self.eventually(seconds: 5) {
            (first.reactor.snapshot.dropCounts["unknown_key"] ?? 0) > 0
        }
        #expect(refused, "\(lines.all)")
        #expect(!intruder.reactor.snapshot.isJoined)
        #expect(first.status(of: NodeID(23)) == nil && second.status(of: NodeID(23)) == nil)
        #expect(intruder.reactor.snapshot.rows.count == 1)
    }

    @Test("a rotated key file is picked up without a signal and the region stays whole; a bad one is refused")
    func keyFileChange() throws {
        let directory = TemporaryDirectory()
        let keyFile = try Self.writeKeyFile(directory, name: "cluster.key")
        let lines = LogLines()
        let first = try Member(host: "127.0.0.34", keyFile: keyFile, seeds: [], seed: 34, lines: lines)
        let seed = first.reactor.gossipAddress.description
        let second = try Member(host: "127.0.0.35", keyFile: keyFile, seeds: [seed], seed: 35, lines: lines)
        #expect(Self.eventually(seconds: 10) { second.reactor.snapshot.count(.alive) == 2 }, "\(lines.all)")

        let keyring = try ClusterKeyring.parse(fileText: try String(contentsOfFile: keyFile, encoding: .utf8))
        let rotated = keyring.rotated(to: ClusterKey.makeRandom())
        try rotated.fileText.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let reloaded = Self.eventually(seconds: 6) {
            lines.all.components(separatedBy: "cluster keys reloaded").count == 3
        }
        #expect(reloaded, "\(lines.all)")
        // Both now seal with the new key and still hear each other.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(first.status(of: NodeID(35)) == .alive && second.status(of: NodeID(34)) == .alive, "\(lines.all)")

        try "garbage\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let refused = Self.eventually(seconds: 6) {
            lines.all.components(separatedBy: "refused").count == 3
        }
        #expect(refused, "\(lines.all)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(first.status(of: NodeID(35)) == .alive && second.status(of: NodeID(34)) == .alive)
        #expect(first.reactor.snapshot.dropCounts.values.reduce(0, +) == 0, "\(first.reactor.snapshot.dropCounts)")
    }

    @Test("a seed that accepts push-pull connections and never answers stalls neither the join nor probing")
    func hungSeed() throws {
        let directory = TemporaryDirectory()
        let keyFile = try Self.writeKeyFile(directory, name: "cluster.key")
        let lines = LogLines()
        // The kernel completes connections to it; nobody ever reads or answers.
        let hung = try ListeningSocket(host: "127.0.0.36", port: 0)
        defer { hung.close() }
        let first = try Member(host: "127.0.0.37", keyFile: keyFile, seeds: [], seed: 37, lines: lines)
        let second = try Member(
            host: "127.0.0.38", keyFile: keyFile,
            seeds: ["127.0.0.36:\(hung.boundPort)", first.reactor.gossipAddress.description],
            seed: 38, lines: lines)
        #expect(Self.eventually(seconds: 5) { second.reactor.snapshot.count(.alive) == 2 }, "\(lines.all)")
        // Probing goes on while the exchange with the hung seed waits out its deadline: the RTT estimate appears.
        #expect(Self.eventually(seconds: 5) { second.reactor.snapshot.rows.contains { $0.rttMilliseconds != nil } })
        #expect(first.status(of: NodeID(38)) == .alive)
    }

    @Test("a missing or bad cluster key file stops the start, naming the file")
    func badKeyFile() throws {
        let directory = TemporaryDirectory()
        let bad = directory.appending("bad.key")
        try "not a key\n".write(toFile: bad, atomically: true, encoding: .utf8)
        for path in [directory.appending("missing.key"), bad] {
            #expect {
                _ = try Member(host: "127.0.0.31", keyFile: path, seeds: [], seed: 31, lines: LogLines())
            } throws: { error in
                "\(error)".contains(path) && "\(error)".contains("cluster key file")
            }
        }
    }
}
