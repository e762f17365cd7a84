// Goal: one client cannot lock the others out of a node. Method: a real `tessera node` with a token, a cap of 16
// connections and 8 per address, on its own 127.0.0.x address; a flood from another address keeps 160 connections
// (10× the cap) open or reopening: some trickle a head byte by byte, some send nothing, some repeat requests without
// a token (401). Meanwhile a token holder from a third address makes requests, each on a new connection: every one
// must be answered 200. Its latencies are printed (p50, p99); no assertion on time.
import Foundation
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing

@Suite(.serialized) struct NodeFairnessTests {
    static let token = "read-0123456789abcdef"

    @Test("a flood of 10× the connection cap from one address leaves a token holder's requests all answered")
    func floodFromOneAddress() async throws {
        let directory = TemporaryDirectory()
        let config = directory.appending("node.json")
        try write(
            """
            {"dataDirectory": "data", "http": "127.0.0.41:0",
             "tokens": [{"name": "viewer", "token": "\(Self.token)", "role": "read"}],
             "limits": {"connectionCountMax": 16, "connectionsPerAddressMax": 8, "headerTimeoutSeconds": 2}}
            """, to: config)
        let node = try await NodeProcess.start(["--config", config])
        let port = node.port
        let flood = Flood(host: "127.0.0.41", port: port, localHost: "127.0.0.42", connectionCount: 160)
        let latencies = try await runOnOwnedThread {
            Result { () throws -> [Double] in
                flood.start()
                defer { flood.stop() }
                // Let the flood fill what it can before the token holder comes.
                MonotonicClock().sleep(until: MonotonicClock().now().advanced(byTicks: Instant.ticksPerSecond))
                return try (0..<Self.requestCount).map { _ in
                    try Self.timedRequest(host: "127.0.0.41", port: port, localHost: "127.0.0.43")
                }
            }
        }.get()
        let sorted = latencies.sorted()
        let p50 = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        print(
            "fairness: \(latencies.count) token-holder requests during a flood of \(flood.opened) connections "
                + "(\(flood.refused) answered 503, \(flood.answered) other answers): p50 "
                + String(format: "%.1f", p50 * 1000) + " ms, p99 " + String(format: "%.1f", p99 * 1000) + " ms")
        #expect(flood.opened >= 160, "the flood opened only \(flood.opened) connections")
        #expect(await node.stop().status == 0)
    }

    /// Requests the token holder makes.
    static let requestCount = 100

    /// One QIDO-RS request with the token on a new connection from `localHost`; its latency in seconds. Throws
    /// unless the answer is a 200.
    static func timedRequest(host: String, port: Int, localHost: String) throws -> Double {
        let clock = MonotonicClock()
        let start = clock.now()
        let deadline = start.advanced(byTicks: 20 * Instant.ticksPerSecond)
        let socket = try Socket.connect(host: host, port: port, localHost: localHost, deadline: deadline)
        defer { socket.close() }
        let request = Array(
            ("GET /dicom-web/studies HTTP/1.1\r\nHost: \(host):\(port)\r\nAuthorization: Bearer \(token)\r\n"
                + "Connection: close\r\n\r\n").utf8)
        try request.withUnsafeBytes { try socket.sendAll($0, deadline: deadline) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: deadline) }
            if count == 0 { break }
            answer += buffer[0..<count]
        }
        let elapsed = Double(clock.now().ticks(since: start)) / Double(Instant.ticksPerSecond)
        let statusLine = String(decoding: answer.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 200 ") else { throw UnexpectedAnswer(statusLine: statusLine) }
        return elapsed
    }
}

/// An answer other than 200 to the token holder.
struct UnexpectedAnswer: Error, CustomStringConvertible {
    let statusLine: String
    var description: String { "the token holder got \"\(statusLine)\"" }
}

/// A hostile client from one address: threads that keep `connectionCount` connections open or reopening, each
/// one trickling a request head a byte at a time, staying silent, or repeating requests without a token.
final class Flood: Sendable {
    private let host: String
    private let port: Int
    private let localHost: String
    private let connectionCount: Int
    private let isStopped = Atomic<Bool>(false)
    private let openedCount = Atomic<Int>(0)
    private let refusedCount = Atomic<Int>(0)
    private let answeredCount = Atomic<Int>(0)
    private let threads = Mutex<[OwnedThread]>([])

    /// Threads the connections are spread over.
    static let threadCount = 8

    init(host: String, port: Int, localHost: String, connectionCount: Int) {
        self.host = host
        self.port = port
        self.localHost = localHost
        self.connectionCount = connectionCount
    }

    /// Connections opened so far.
    var opened: Int { openedCount.load(ordering: .relaxed) }
    /// Connections answered 503.
    var refused: Int { refusedCount.load(ordering: .relaxed) }
    /// Other answers (401, 408) the flood received.
    var answered: Int { answeredCount.load(ordering: .relaxed) }

    /// Starts the threads.
    func start() {
        let started = (0..<Self.threadCount).map { index in
            OwnedThread(name: "flood-\(index)") { [self] in run(slots: connectionCount / Self.threadCount) }
        }
        threads.withLock { $0 = started }
    }

    /// Stops the threads and closes their connections.
    func stop() {
        isStopped.store(true, ordering: .releasing)
        for thread in threads.withLock({ $0 }) { thread.join() }
    }

    /// Keeps `slots` connections busy until stopped, every 50 ms: each open one sends its next byte (or, every
    /// third, nothing), and one closed by the server is opened again.
    private func run(slots: Int) {
        let head = Array("GET /dicom-web/studies HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8)
        var sockets: [Socket?] = Array(repeating: nil, count: slots)
        var progress = Array(repeating: 0, count: slots)
        var scratch = [UInt8](repeating: 0, count: 4096)
        let clock = MonotonicClock()
        defer { for socket in sockets { socket?.close() } }
        while !isStopped.load(ordering: .acquiring) {
            for slot in 0..<slots {
                if sockets[slot] == nil {
                    sockets[slot] = try? Socket.connect(
                        host: host, port: port, localHost: localHost,
                        deadline: clock.now().advanced(byTicks: Instant.ticksPerSecond))
                    progress[slot] = 0
                    if sockets[slot] != nil { openedCount.add(1, ordering: .relaxed) }
                }
                guard let socket = sockets[slot] else { continue }
                if (try? socket.waitUntilReadable(deadline: clock.now())) != false {
                    let count = scratch.withUnsafeMutableBytes { (try? socket.receiveAvailable(into: $0)) ?? 0 }
                    if count >= 12, scratch[9...11].elementsEqual("503".utf8) {
                        refusedCount.add(1, ordering: .relaxed)
                    } else if count > 0 {
                        answeredCount.add(1, ordering: .relaxed)
                    }
                    socket.close()
                    sockets[slot] = nil
                    continue
                }
                switch slot % 3 {
                case 0:  // trickles its head, one byte per round: never complete within the header timeout
                    if progress[slot] < head.count - 1 {
                        _ = try? sendBytes([head[progress[slot]]], on: socket)
                        progress[slot] += 1
                    }
                case 1:  // silent
                    break
                default:  // the whole request without a token, at once: a 401
                    if progress[slot] == 0 {
                        _ = try? sendBytes(head, on: socket)
                        progress[slot] = head.count
                    }
                }
            }
            clock.sleep(until: clock.now().advanced(byTicks: Instant.ticksPerSecond / 20))
        }
    }
}

/// Sends `bytes` on `socket`, waiting at most a second for room.
func sendBytes(_ bytes: [UInt8], on socket: Socket) throws {
    try bytes.withUnsafeBytes {
        try socket.sendAll($0, deadline: MonotonicClock().now().advanced(byTicks: Instant.ticksPerSecond))
    }
}
