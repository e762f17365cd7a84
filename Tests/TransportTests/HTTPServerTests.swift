// Goal: the server keeps its promises over a real socket: round trips, keep-alive, pipelining, chunked bodies both
// ways, HEAD, error mapping, draining unread bodies. Method: HTTPServer on 127.0.0.1 port 0 driven by HTTPClient
// and by a raw socket client, all blocking work on owned threads; every test stops its server.
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing

@testable import Transport

@Suite(.serialized) struct HTTPServerTests {
    @Test("GET and POST round trips through HTTPServer and HTTPClient")
    func roundTrips() async throws {
        try await blocking {
            try withServer { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                var hello = try client.send(method: "GET", target: "/hello")
                #expect(hello.status == 200)
                #expect(try hello.readText() == "hello")
                let payload = TestBytes.random(count: 300_001, seed: 1)
                var echo = try client.send(method: "POST", target: "/echo", bytes: payload)
                #expect(echo.status == 200)
                #expect(try echo.readAll() == payload)
                var missing = try client.send(method: "GET", target: "/nowhere")
                #expect(missing.status == 404)
                #expect(try missing.readText() == "no route for /nowhere\n")
            }
        }
    }

    @Test("answers carry a Date header in IMF-fixdate form (RFC 9110 §6.6.1), read from the injected wall clock")
    func dateHeader() async throws {
        let expected = "Sun, 06 Nov 1994 08:49:37 GMT"
        #expect(HTTPDate.format(secondsSinceEpoch: 784_111_777) == expected)
        try await blocking {
            try withServer(wallClock: FixedWallClock(milliseconds: 784_111_777_250)) { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                #expect(try client.send(method: "GET", target: "/hello").headers["Date"] == expected)
                #expect(try client.send(method: "GET", target: "/nowhere").headers["Date"] == expected)
            }
            try withServer { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let date = try client.send(method: "GET", target: "/hello").headers["Date"] ?? ""
                #expect(date.hasSuffix(" GMT") && date.count == 29 && date != expected)
            }
        }
    }

    @Test("one kept-alive connection carries many requests")
    func keepAlive() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                for index in 0..<200 {
                    let body = "request \(index)"
                    try raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                    let response = try #require(try raw.readResponse())
                    #expect(response.head.status == 200)
                    #expect(response.body == Array(body.utf8))
                }
                #expect(server.acceptedConnectionCount == 1)
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                for _ in 0..<50 {
                    var response = try client.send(method: "GET", target: "/hello")
                    #expect(try response.readText() == "hello")
                }
                #expect(server.acceptedConnectionCount == 2)
            }
        }
    }

    @Test("pipelined requests sent in one write are answered in order, leftovers kept for the next request")
    func pipelining() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                try raw.send(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n1\r\nz\r\n0\r\n\r\n"
                        + "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try raw.readResponse()?.body == Array("abc".utf8))
                #expect(try raw.readResponse()?.body == Array("hello".utf8))
                #expect(try raw.readResponse()?.body == Array("xyz".utf8))
                let head = try #require(try raw.readResponse(method: "HEAD"))
                #expect(head.head.headers["Content-Length"] == "5")
                #expect(head.body.isEmpty)
            }
        }
    }

    @Test("chunked request bodies and chunked responses stream both ways")
    func chunkedBothWays() async throws {
        try await blocking {
            try withServer { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let payload = TestBytes.random(count: 3_000_017, seed: 2)
                var response = try client.send(method: "POST", target: "/echo-chunked", body: MemorySource(payload))
                #expect(response.headers["Transfer-Encoding"] == "chunked")
                #expect(try response.readAll() == payload)
                var generated = try client.send(method: "GET", target: "/generate?bytes=1000003&chunked=1")
                let bytes = try generated.readAll()
                #expect(bytes.count == 1_000_003)
                #expect(bytes.enumerated().allSatisfy { $0.element == TestResponder.pattern(at: $0.offset) })
            }
        }
    }

    @Test("one client shared by several threads serves them all over parallel connections")
    func concurrentClients() async throws {
        try await blocking {
            let responder = TestResponder()
            try withServer(responder: responder) { server in
                let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
                let failures = Mutex(0)
                let threads = (0..<8).map { index in
                    OwnedThread(name: "client-\(index)") {
                        for round in 0..<20 {
                            let payload = TestBytes.random(count: 1000 + round, seed: UInt64(index * 100 + round))
                            let echoed = try? client.send(method: "POST", target: "/echo", bytes: payload)
                            var response = echoed
                            if (try? response?.readAll()) != payload { failures.withLock { $0 += 1 } }
                        }
                    }
                }
                for thread in threads { thread.join() }
                #expect(failures.withLock { $0 } == 0)
                #expect(responder.log.requests == 160)
                #expect(server.acceptedConnectionCount <= 8 + 1)
            }
        }
    }

    @Test("statuses from HTTPStatusError (a 401 closes), 500 for other errors, and a closed connection after the head")
    func errorMapping() async throws {
        try await blocking {
            try withServer { server in
                let unauthorized = try RawClient(port: server.port)
                try unauthorized.send("GET /auth HTTP/1.1\r\nHost: t\r\n\r\n")
                let auth = try #require(try unauthorized.readResponse())
                #expect(auth.head.status == 401)
                #expect(auth.head.headers["WWW-Authenticate"] == "Bearer")
                #expect(auth.head.headers["Content-Type"] == "text/plain; charset=utf-8")
                #expect(auth.head.headers["Connection"] == "close")
                #expect(auth.body == Array("a bearer token is required\n".utf8))
                #expect(unauthorized.isClosedByServer())
                let raw = try RawClient(port: server.port)
                try raw.send("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try raw.readResponse()?.head.status == 500)
                try raw.send("GET /silent HTTP/1.1\r\nHost: t\r\n\r\n")
                let silent = try #require(try raw.readResponse())
                #expect(silent.head.status == 500)
                #expect(silent.body == Array("the responder wrote no response\n".utf8))
                try raw.send("GET /late-fail HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try raw.readResponse() == nil)
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("an unread short body is drained and the connection kept; an unread long one closes it")
    func drainingUnreadBodies() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration()
            configuration.drainBytesMax = 64 << 10
            try withServer(configuration) { server in
                let raw = try RawClient(port: server.port)
                let short = String(repeating: "s", count: 1000)
                try raw.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + short)
                let first = try #require(try raw.readResponse())
                #expect(first.head.headers["Connection"] == nil)
                try raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try raw.readResponse()?.body == Array("hello".utf8))
                try raw.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n")
                let long = try #require(try raw.readResponse())
                #expect(long.head.headers["Connection"] == "close")
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("a malformed request line is answered 400 and the connection closed")
    func malformedRequest() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                try raw.send("THIS IS NOT HTTP\r\n\r\n")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 400)
                #expect(response.head.headers["Connection"] == "close")
                #expect(!response.body.isEmpty)
                #expect(raw.isClosedByServer())
                let smuggled = try RawClient(port: server.port)
                try smuggled.send(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
                #expect(try smuggled.readResponse()?.head.status == 400)
                #expect(smuggled.isClosedByServer())
            }
        }
    }

    @Test("a header line of 1 MiB is answered 431 while the client is still sending it")
    func hugeHeaderLine() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                let request =
                    "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "a", count: 1 << 20)
                    + "\r\n\r\n"
                let socket = raw.socket
                let sender = OwnedThread(name: "big-header") { try? sendBytes(Array(request.utf8), on: socket) }
                defer { sender.join() }
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 431)
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("an unsupported expectation is answered 417")
    func unsupportedExpectation() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                try raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n")
                #expect(try raw.readResponse()?.head.status == 417)
            }
        }
    }

    @Test("an Expect header with an empty or blank value is no expectation: the request is answered")
    func emptyExpectation() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                try raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect:\r\nContent-Length: 2\r\n\r\nhi")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 200)
                #expect(response.body == Array("hi".utf8))
                let spaces = try RawClient(port: server.port)
                try spaces.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect:   \r\nContent-Length: 1\r\n\r\nx")
                #expect(try spaces.readResponse()?.head.status == 200)
            }
        }
    }

    @Test("HTTP/1.0 requests close after the answer unless they ask for keep-alive")
    func http10() async throws {
        try await blocking {
            try withServer { server in
                let raw = try RawClient(port: server.port)
                try raw.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let kept = try #require(try raw.readResponse())
                #expect(kept.head.headers["Connection"] == "keep-alive")
                try raw.send("GET /generate?bytes=10&chunked=1 HTTP/1.0\r\n\r\n")
                let closed = try #require(try raw.readResponse())
                #expect(closed.body.count == 10)
                #expect(closed.head.headers["Transfer-Encoding"] == nil)
                #expect(raw.isClosedByServer())
            }
        }
    }
}
