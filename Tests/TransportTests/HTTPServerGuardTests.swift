// Goal: the server's guards hold against hostile or unlucky clients: 100-continue answered or refused early, too
// many connections, slow and vanished clients, idle keep-alive, stop() with connections open. Method: HTTPServer on
// 127.0.0.1 port 0 with short timeouts, raw socket clients on owned threads; no assertion on elapsed time.
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing
import Transport

/// Waits (bounded) until `condition` holds, polling every 10 ms; whether it did.
func eventually(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let until = deadline(seconds: seconds)
    while MonotonicClock().now() < until {
        if condition() { return true }
        MonotonicClock().sleep(until: deadline(seconds: 0.01))
    }
    return condition()
}

@Suite(.serialized) struct HTTPServerGuardTests {
    @Test("100-continue: the server sends 100 when the responder reads, then the final answer")
    func continueAccepted() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                try raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                #expect(try raw.socket.waitUntilReadable(deadline: deadline(seconds: 10)))
                try raw.send("12345")
                let response = try #require(try raw.readResponse())
                #expect(response.interim == [100])
                #expect(response.body == Array("12345".utf8))
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let payload = TestBytes.random(count: 100_000, seed: 3)
                var echoed = try client.send(method: "POST", target: "/echo", bytes: payload, expectContinue: true)
                #expect(try echoed.readAll() == payload)
            }
        }
    }

    @Test("100-continue refused early: 413 and 401 come without 100 and without the body being read")
    func continueRejected() async throws {
        try await blocking {
            let responder = TestResponder()
            try withServer(responder: responder) { server in
                let raw = try RawClient(port: server.port)
                try raw.send(
                    "POST /reject HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1000000000\r\n\r\n")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 413)
                #expect(response.interim.isEmpty)
                #expect(response.head.headers["Connection"] == "close")
                #expect(raw.isClosedByServer())
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let source = CountingSource(length: 1 << 30)
                var auth = try client.send(
                    method: "PUT", target: "/auth", body: source, bodyLength: 1 << 30, expectContinue: true)
                #expect(auth.status == 401)
                #expect(try auth.readText() == "a bearer token is required\n")
                #expect(source.bytesRead == 0)
                #expect(responder.log.bodyBytes == 0)
            }
        }
    }

    @Test("one connection more than connectionCountMax, with none idle past the grace, is answered 503 and closed")
    func tooManyConnections() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.connectionCountMax = 2
            configuration.idleEvictionGraceSeconds = 600
            try withServer(configuration) { server in
                let first = try RawClient(port: server.port)
                let second = try RawClient(port: server.port)
                for raw in [first, second] {
                    try raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                    #expect(try raw.readResponse()?.head.status == 200)
                }
                let third = try RawClient(port: server.port)
                let response = try #require(try third.readResponse())
                #expect(response.head.status == 503)
                #expect(response.head.headers["Retry-After"] == "1")
                #expect(third.isClosedByServer())
                first.close()
                #expect(eventually { server.connectionCount == 1 })
                let fourth = try RawClient(port: server.port)
                try fourth.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try fourth.readResponse()?.head.status == 200)
            }
        }
    }

    @Test("a client that sends its head and then stops its body is answered 408 and closed")
    func stalledBody() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.bodyRateBytesPerSecondMin = 1000
            configuration.bodyRateWindowSeconds = 0.5
            configuration.lingerSeconds = 0.2
            let responder = TestResponder()
            try withServer(configuration, responder: responder) { server in
                let raw = try RawClient(port: server.port)
                try raw.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123456789")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 408)
                #expect(String(decoding: response.body, as: UTF8.self).contains("slower than 1000 bytes per second"))
                #expect(raw.isClosedByServer())
                #expect(responder.log.errors.count == 1)
            }
        }
    }

    @Test("a client that trickles its body below the minimum rate is answered 408 and closed")
    func tricklingBody() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.bodyRateBytesPerSecondMin = 1000
            configuration.bodyRateWindowSeconds = 0.5
            configuration.lingerSeconds = 0.2
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                try raw.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
                let socket = raw.socket
                let trickler = OwnedThread(name: "trickler") {
                    for _ in 0..<100 {
                        guard (try? sendBytes(Array("x".utf8), on: socket)) != nil else { return }
                        MonotonicClock().sleep(until: deadline(seconds: 0.05))
                    }
                }
                defer { trickler.join() }
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 408)
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("a body that misses the overall body deadline is answered 408")
    func bodyDeadline() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.bodyRateBytesPerSecondMin = 0
            configuration.bodyTimeoutSeconds = 0.3
            configuration.lingerSeconds = 0.2
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                try raw.send("PUT /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 408)
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("a head that does not complete within the header timeout is answered 408")
    func slowHead() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.headerTimeoutSeconds = 0.3
            configuration.lingerSeconds = 0.2
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                try raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 408)
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("an idle kept-alive connection is closed after the idle timeout")
    func idleTimeout() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.idleTimeoutSeconds = 0.3
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                try raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try raw.readResponse()?.head.status == 200)
                #expect(raw.isClosedByServer())
                #expect(eventually { server.connectionCount == 0 })
            }
        }
    }

    @Test("a new connection that sends nothing is closed after the header timeout, without an answer")
    func silentConnection() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.headerTimeoutSeconds = 0.3
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                #expect(try raw.readResponse() == nil)
                #expect(server.acceptedConnectionCount == 1)
            }
        }
    }

    @Test("a client that disconnects mid-body neither crashes the server nor leaks its thread")
    func disconnectMidBody() async throws {
        try await blocking {
            let responder = TestResponder()
            try withServer(responder: responder) { server in
                for _ in 0..<5 {
                    let raw = try RawClient(port: server.port)
                    try raw.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n")
                    try raw.send([UInt8](repeating: 1, count: 1 << 20))
                    raw.close()
                }
                #expect(eventually { responder.log.errors.count == 5 })
                #expect(eventually { server.connectionCount == 0 })
                #expect(server.acceptedConnectionCount == 5)
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                var response = try client.send(method: "GET", target: "/hello")
                #expect(try response.readText() == "hello")
            }
        }
    }

    @Test("a client that stops reading a large response is dropped after the send timeout, freeing its thread")
    func clientStopsReading() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.sendTimeoutSeconds = 0.3
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                try raw.send("GET /generate?bytes=1000000000 HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(eventually { server.acceptedConnectionCount == 1 })
                #expect(eventually { server.connectionCount == 0 })
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("stop() with idle and busy connections open returns, and the port can be bound again")
    func stopWithOpenConnections() async throws {
        try await blocking {
            // An address no other test connects from, and a port below the kernel's ephemeral range (32768 and
            // up): a port the kernel chose, once freed, may be taken at once by another test's port-0 bind.
            let host = "127.0.0.231"
            var configuration = HTTPServerConfiguration()
            configuration.host = host
            var bound: HTTPServer?
            for port in (20000..<32000).shuffled().prefix(50) where bound == nil {
                configuration.port = port
                bound = try? HTTPServer(
                    configuration: configuration, responder: TestResponder(), clock: MonotonicClock(),
                    wallClock: RealTimeClock())
            }
            let server = try #require(bound)
            try server.start()
            let port = server.port
            let idle = try RawClient(host: host, port: port)
            try idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try idle.readResponse()
            let busy = try RawClient(host: host, port: port)
            try busy.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n")
            let silent = try RawClient(host: host, port: port)
            #expect(eventually { server.connectionCount == 3 })
            server.stop()
            server.stop()
            #expect(server.connectionCount == 0)
            for raw in [idle, busy, silent] { #expect(raw.isClosedByServer()) }
            let again = try ListeningSocket(host: host, port: port)
            #expect(again.boundPort == port)
            again.close()
        }
    }
}

/// A source of `length` generated bytes that counts what was read from it.
final class CountingSource: ByteSource, Sendable {
    private let state: Mutex<Int>
    private let length: Int

    init(length: Int) {
        self.length = length
        state = Mutex(0)
    }

    /// Bytes read so far.
    var bytesRead: Int { state.withLock { $0 } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        state.withLock { read in
            let count = min(buffer.count, length - read)
            read += count
            return count
        }
    }
}
