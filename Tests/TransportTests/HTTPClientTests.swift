// Goal: HTTPClient reuses connections, streams GiB bodies both ways in bounded memory, and fails with clear errors
// (refused naming host:port, timeout, malformed answer). Method: HTTPServer or a raw listener on 127.0.0.1 port 0,
// blocking work on owned threads; memory judged by the peak RSS (VmHWM) growth and the largest buffer read.
import Foundation
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing
import Transport

/// The process's peak resident set size in KiB (VmHWM in /proc/self/status).
func peakResidentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

@Suite(.serialized) struct HTTPClientTests {
    @Test("a 1 GiB upload and a 1 GiB download stream through server and client in bounded memory")
    func gibibyteStreams() async throws {
        try await blocking {
            let responder = TestResponder()
            let gibibyte = 1 << 30
            let peakBefore = peakResidentKiB()
            try withServer(responder: responder) { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let source = CountingSource(length: gibibyte)
                var upload = try client.send(method: "PUT", target: "/count", body: source, bodyLength: gibibyte)
                #expect(try upload.readText() == String(gibibyte))
                #expect(responder.log.bodyBytes == gibibyte)
                #expect(responder.log.largestRead <= 256 << 10)
                var download = try client.send(method: "GET", target: "/generate?bytes=\(gibibyte)")
                #expect(download.headers["Content-Length"] == String(gibibyte))
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
                defer { buffer.deallocate() }
                var received = 0
                var isPatternIntact = true
                while true {
                    let count = try download.read(into: buffer)
                    if count == 0 { break }
                    if received < 4 << 20 {
                        for index in 0..<count where buffer[index] != TestResponder.pattern(at: received + index) {
                            isPatternIntact = false
                        }
                    }
                    received += count
                }
                #expect(received == gibibyte)
                #expect(isPatternIntact)
            }
            // Holding either body in memory would add at least 1 GiB; buffers and noise from other suites do not
            // come near a quarter of that.
            #expect(peakResidentKiB() - peakBefore < 256 << 10)
        }
    }

    @Test("a kept-alive connection the server closed while idle is replaced without an error")
    func staleConnection() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.idleTimeoutSeconds = 0.1
            try withServer(configuration) { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                var first = try client.send(method: "GET", target: "/hello")
                #expect(try first.readText() == "hello")
                #expect(eventually { server.connectionCount == 0 })
                var second = try client.send(method: "GET", target: "/hello")
                #expect(try second.readText() == "hello")
                #expect(server.acceptedConnectionCount == 2)
            }
        }
    }

    @Test("a request with a body in memory that meets a reset kept-alive connection is sent again on a new one")
    func resetKeptAliveConnection() async throws {
        try await blocking {
            // A server that answers the first request on each connection and resets the connection at the next,
            // as a peer across a healed partition does.
            let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
            let accepted = Mutex(0)
            let server = OwnedThread(name: "reset-server") {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
                defer { buffer.deallocate() }
                let deadline = MonotonicClock().now().advanced(byTicks: 5 * Instant.ticksPerSecond)
                /// Reads one whole request (its head and a 3-byte body); false when the client went away.
                func readRequest(_ socket: Socket) -> Bool {
                    var bytes: [UInt8] = []
                    while true {
                        guard let count = try? socket.receive(into: buffer, deadline: deadline), count > 0 else {
                            return false
                        }
                        bytes += buffer[0..<count]
                        let text = String(decoding: bytes, as: UTF8.self)
                        if let end = text.range(of: "\r\n\r\n"), text[end.upperBound...].utf8.count >= 3 { return true }
                    }
                }
                for _ in 0..<2 {
                    guard let socket = try? listener.accept(deadline: deadline) else { return }
                    accepted.withLock { $0 += 1 }
                    guard readRequest(socket) else { return }
                    let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
                    try? answer.withUnsafeBytes { try socket.sendAll([$0], deadline: deadline) }
                    _ = readRequest(socket)  // The next request on this connection is met with a close.
                    socket.close()
                }
            }
            defer {
                server.join()
                listener.close()
            }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(listener.boundPort)", clock: MonotonicClock())
            var first = try client.send(method: "POST", target: "/a", bytes: [1, 2, 3])
            #expect(try first.readText() == "ok")
            var second = try client.send(method: "POST", target: "/b", bytes: [4, 5, 6])
            #expect(try second.readText() == "ok")
            #expect(accepted.withLock { $0 } == 2)
        }
    }

    @Test("HEAD answers carry the length but no body, and a base path prefixes every target")
    func headAndBasePath() async throws {
        try await blocking {
            try withServer { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)/", clock: MonotonicClock())
                var head = try client.send(method: "HEAD", target: "/hello")
                #expect(head.headers["Content-Length"] == "5")
                #expect(try head.readAll().isEmpty)
                let prefixed = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)/base", clock: MonotonicClock())
                var missing = try prefixed.send(method: "GET", target: "/hello")
                #expect(try missing.readText() == "no route for /base/hello\n")
                var again = try client.send(method: "GET", target: "/generate?bytes=300000")
                var sink = MemorySink()
                #expect(try again.write(to: &sink) == 300_000)
                #expect(sink.bytes.enumerated().allSatisfy { $0.element == TestResponder.pattern(at: $0.offset) })
                #expect(server.acceptedConnectionCount == 2)
            }
        }
    }

    @Test("a head deadline gives up a slow answer and drops its connection; the next request gets a new one")
    func headDeadline() async throws {
        try await blocking {
            try withServer { server in
                let clock = MonotonicClock()
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: clock)
                let start = clock.now()
                #expect {
                    _ = try client.send(
                        method: "GET", target: "/slow",
                        headDeadline: start.advanced(byTicks: Instant.ticksPerSecond / 20))
                } throws: {
                    ($0 as? TransportError)?.code == .timedOut
                }
                #expect(clock.now().ticks(since: start) < Instant.ticksPerSecond / 4)
                var next = try client.send(method: "GET", target: "/hello")
                #expect(try next.readText() == "hello")
                #expect(server.acceptedConnectionCount == 2)
            }
        }
    }

    @Test("a head deadline also bounds the connect: a server whose SYNs go unanswered is given up by then")
    func headDeadlineBoundsConnect() async throws {
        try await blocking {
            // A listener with a backlog of 0 that never accepts: once one connection fills its queue, the kernel
            // drops the next SYNs, and a connect waits on retransmissions (1 s, then 2 s more) as across a link
            // that drops packets.
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(listener) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, length) == 0 && listen(listener, 0) == 0
                        && getsockname(listener, $0, &length) == 0
                }
            }
            try #require(bound, "errno \(errno)")
            let port = Int(UInt16(bigEndian: address.sin_port))
            let clock = MonotonicClock()
            let filler = try Socket.connect(
                host: "127.0.0.1", port: port, deadline: clock.now().advanced(byTicks: Instant.ticksPerSecond))
            defer { filler.close() }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", clock: clock)
            let start = clock.now()
            #expect {
                _ = try client.send(
                    method: "GET", target: "/", headDeadline: start.advanced(byTicks: Instant.ticksPerSecond / 5))
            } throws: {
                ($0 as? TransportError)?.code == .timedOut
            }
            // Given up at the deadline, not after the SYN retransmissions of the 10 s connect timeout.
            #expect(clock.now().ticks(since: start) < Instant.ticksPerSecond * 9 / 10)
        }
    }

    @Test("an answer the server gives before the body was sent (no 100-continue) reaches the client")
    func earlyAnswerWithoutContinue() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.lingerSeconds = 0.05
            try withServer(configuration) { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let source = CountingSource(length: 8 << 30)
                var response = try client.send(method: "PUT", target: "/reject", body: source, bodyLength: 8 << 30)
                #expect(response.status == 413)
                #expect(try response.readText() == "this upload is too large for the test\n")
                #expect(source.bytesRead < 8 << 30)
            }
        }
    }

    @Test("a refused connection names host and port")
    func refused() async throws {
        try await blocking {
            let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
            let port = listener.boundPort
            listener.close()
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)", clock: MonotonicClock())
            let error = try #require(throws: TransportError.self) { try client.send(method: "GET", target: "/") }
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("127.0.0.1:\(port)"))
            #expect(error.message.contains("refused"))
        }
    }

    @Test("a server that never answers makes the client time out")
    func timeout() async throws {
        try await blocking {
            let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
            defer { listener.close() }
            let client = try HTTPClient(
                baseURL: "http://127.0.0.1:\(listener.boundPort)",
                configuration: HTTPClientConfiguration(ioTimeoutSeconds: 0.2), clock: MonotonicClock())
            let error = try #require(throws: TransportError.self) { try client.send(method: "GET", target: "/") }
            #expect(error.code == .timedOut)
            #expect(error.message.contains("127.0.0.1:\(listener.boundPort)"))
        }
    }

    @Test("a malformed answer is a malformedResponse error, and bad base URLs are refused")
    func malformedResponse() async throws {
        try await blocking {
            let listener = try ListeningSocket(host: "127.0.0.1", port: 0)
            let server = OwnedThread(name: "garbage-server") {
                guard let socket = try? listener.accept(deadline: deadline(seconds: 10)) else { return }
                _ = try? socket.waitUntilReadable(deadline: deadline(seconds: 10))
                try? sendBytes(Array("HTTP/1.1 abc nonsense\r\n\r\n".utf8), on: socket)
                socket.shutdown(.write)
                _ = try? socket.waitUntilReadable(deadline: deadline(seconds: 10))
                socket.close()
            }
            defer {
                server.join()
                listener.close()
            }
            let client = try HTTPClient(baseURL: "http://127.0.0.1:\(listener.boundPort)", clock: MonotonicClock())
            let error = try #require(throws: TransportError.self) { try client.send(method: "GET", target: "/") }
            #expect(error.code == .malformedResponse)
            #expect(error.message.contains("127.0.0.1:\(listener.boundPort)"))
            for url in ["https://127.0.0.1:1", "127.0.0.1:80", "http://:80", "http://host:99999"] {
                #expect(throws: TransportError.self) { try HTTPClient(baseURL: url, clock: MonotonicClock()) }
            }
        }
    }
}
