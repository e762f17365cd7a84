// What the fabric tests share: a small fabric made with a fresh run id in a temporary state folder, a UDP echo
// server and client in Python run inside the namespaces, and blocking calls moved off the cooperative pool.
import Chaos
import Foundation
import Posix
import Primitives
import TestSupport

/// Builds fabrics and measures the packets that cross them.
enum FabricHarness {
    /// A UDP echo server (`serve PORT`: prints "ready", then "got" for each datagram, and echoes it) and client
    /// (`send HOST PORT COUNT`: one datagram at a time, 300 ms for its echo; prints how many came back and the
    /// median round trip in milliseconds).
    static let echoScript = """
        import socket, sys, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if sys.argv[1] == "serve":
            s.bind(("0.0.0.0", int(sys.argv[2])))
            print("ready", flush=True)
            while True:
                data, peer = s.recvfrom(2048)
                print("got", flush=True)
                s.sendto(data, peer)
        host, port, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        s.settimeout(0.3)
        rtts = []
        for i in range(count):
            start = time.monotonic()
            s.sendto(str(i).encode(), (host, port))
            try:
                while s.recvfrom(2048)[0] != str(i).encode():
                    pass
                rtts.append((time.monotonic() - start) * 1000)
            except socket.timeout:
                pass
        rtts.sort()
        print(len(rtts), rtts[len(rtts) // 2] if rtts else -1)
        """

    /// The port the echo servers listen on (each host has its own namespace, so one port serves all).
    static let echoPort = 7000

    static var python: String { ChildProcess.executablePath(named: "python3") ?? "/usr/bin/python3" }

    /// Nodes named `names`, all at one site of one territory.
    static func nodes(_ names: [String]) throws -> [TopologyNode] {
        try names.map {
            TopologyNode(name: $0, territory: try TerritoryID("t"), site: try SiteID("s-" + $0), volumeCount: 2)
        }
    }

    /// A fabric for `nodes` with a random run id, its state in a new folder of `directory`.
    static func up(_ nodes: [TopologyNode], in directory: TemporaryDirectory) async throws -> NetworkFabric {
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let state = directory.appending("state-" + runID)
        return try await onOwnedThread {
            try NetworkFabric.up(nodes: nodes, runID: runID, stateDirectory: state, clock: RealTimeClock())
        }
    }

    /// Starts an echo server in `host` and waits for it to be ready.
    static func startEcho(_ fabric: NetworkFabric, in host: String, logs: TemporaryDirectory) async throws
        -> ChildProcess
    {
        try await onOwnedThread {
            let server = try fabric.start(
                in: host, executable: python, arguments: ["-c", echoScript, "serve", "\(echoPort)"],
                logDirectory: logs.path)
            _ = try server.waitForLine(containing: "ready", seconds: 20)
            return server
        }
    }

    /// Sends `count` datagrams from `host` (the fabric's observer when nil) to the echo server at `address`.
    static func echo(_ fabric: NetworkFabric, from host: String?, to address: String, count: Int = 5) async throws
        -> (received: Int, medianMilliseconds: Double)
    {
        let outcome = try await onOwnedThread {
            try fabric.run(
                in: host, executable: python, arguments: ["-c", echoScript, "send", address, "\(echoPort)", "\(count)"])
        }
        let words = outcome.output.split(separator: " ").map {
            String($0).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard outcome.status == 0, words.count == 2, let received = Int(words[0]), let median = Double(words[1]) else {
            throw EchoFailure(
                description: "the echo client answered \(outcome.status): \(outcome.output) \(outcome.errorOutput)")
        }
        return (received, median)
    }

    /// How many datagrams the echo server `server` has received.
    static func receivedCount(_ server: ChildProcess) -> Int {
        server.output.split(separator: "\n").filter { $0 == "got" }.count
    }

    /// The namespaces that exist on the machine now.
    static func namespaces() async throws -> [String] {
        let ip = ChildProcess.executablePath(named: "ip") ?? "/usr/sbin/ip"
        let outcome = try await onOwnedThread { try ChildProcess.run(ip, ["netns", "list"], logDirectory: "/tmp") }
        return outcome.output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }
}

/// The echo client did not run as it should.
struct EchoFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` on an owned thread, so a blocking child process wait never holds a cooperative pool thread.
func onOwnedThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await runOnOwnedThread { Result { try body() } }.get()
}
