// Goal: one client cannot take every slot of the server: connections over connectionsPerAddressMax from one address
// are answered 503 while other addresses are served; at connectionCountMax the connection idle longest gives its
// slot to a newcomer, a busy one never; 400 and 401 close their connection; a 500 shows the client a generic
// sentence while the log gets the message. Method: HTTPServer on its own 127.0.0.x address, raw clients bound to
// other 127.0.0.x addresses; no assertion on elapsed time.
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing
import Transport

@Suite(.serialized) struct HTTPServerFairnessTests {
    @Test("a connection over connectionsPerAddressMax from one address is answered 503; another address is served")
    func perAddressLimit() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration(host: "127.0.0.21")
            configuration.connectionsPerAddressMax = 2
            configuration.idleEvictionGraceSeconds = 600
            try withServer(configuration) { server in
                let held = try (0..<2).map { _ in
                    try RawClient(host: "127.0.0.21", port: server.port, localHost: "127.0.0.22")
                }
                #expect(eventually { server.connectionCount == 2 })
                let third = try RawClient(host: "127.0.0.21", port: server.port, localHost: "127.0.0.22")
                let refused = try #require(try third.readResponse())
                #expect(refused.head.status == 503)
                #expect(String(decoding: refused.body, as: UTF8.self).contains("from 127.0.0.22"))
                #expect(third.isClosedByServer())
                let other = try RawClient(host: "127.0.0.21", port: server.port, localHost: "127.0.0.23")
                try other.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try other.readResponse()?.body == Array("hello".utf8))
                #expect(server.rejectedConnectionCount == 1)
                for raw in held { raw.close() }
            }
        }
    }

    @Test("at connectionCountMax the connection idle longest is closed to admit a newcomer; a busy one is kept")
    func idleEviction() async throws {
        try await blocking {
            var configuration = HTTPServerConfiguration(host: "127.0.0.24")
            configuration.connectionCountMax = 2
            configuration.idleEvictionGraceSeconds = 0.1
            try withServer(configuration) { server in
                let silent = try RawClient(host: "127.0.0.24", port: server.port)
                #expect(eventually { server.connectionCount == 1 })
                let busy = try RawClient(host: "127.0.0.24", port: server.port)
                try busy.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345")
                #expect(eventually { server.connectionCount == 2 })
                MonotonicClock().sleep(until: deadline(seconds: 0.3))
                let newcomer = try RawClient(host: "127.0.0.24", port: server.port)
                try newcomer.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try newcomer.readResponse()?.head.status == 200)
                #expect(try silent.readResponse() == nil)
                #expect(server.evictedConnectionCount == 1)
                try busy.send("67890")
                #expect(try busy.readResponse()?.body == Array("10".utf8))
                // Now every slot is busy or within its grace: the next one is refused.
                try newcomer.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n1")
                try busy.send("PUT /count HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n1")
                MonotonicClock().sleep(until: deadline(seconds: 0.3))
                let refused = try RawClient(host: "127.0.0.24", port: server.port)
                #expect(try refused.readResponse()?.head.status == 503)
                #expect(server.evictedConnectionCount == 1)
            }
        }
    }

    @Test("a 400 from the responder closes the connection after the answer")
    func badRequestCloses() async throws {
        try await blocking {
            try withServer(HTTPServerConfiguration(host: "127.0.0.25"), responder: FailingResponder()) { server in
                let raw = try RawClient(host: "127.0.0.25", port: server.port)
                try raw.send("GET /bad HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 400)
                #expect(response.head.headers["Connection"] == "close")
                #expect(raw.isClosedByServer())
            }
        }
    }

    @Test("a 500 shows the client a generic sentence, never the message; the log gets it with the request")
    func internalFailureIsLogged() async throws {
        try await blocking {
            let lines = Mutex<[String]>([])
            let server = try HTTPServer(
                configuration: HTTPServerConfiguration(host: "127.0.0.26"), responder: FailingResponder(),
                clock: MonotonicClock(), wallClock: RealTimeClock(), log: { line in lines.withLock { $0.append(line) } }
            )
            try server.start()
            defer { server.stop() }
            let raw = try RawClient(host: "127.0.0.26", port: server.port)
            for path in ["/status-500", "/plain"] {
                try raw.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try #require(try raw.readResponse())
                #expect(response.head.status == 500)
                #expect(response.body == Array("internal server error\n".utf8))
            }
            let logged = lines.withLock { $0 }
            #expect(logged.count == 2, "\(logged)")
            #expect(logged.allSatisfy { $0.contains(FailingResponder.secretPath) }, "\(logged)")
            #expect(logged.first?.hasPrefix("GET /status-500 from 127.0.0.1:") == true, "\(logged)")
        }
    }
}

/// Fails each request as its path says: /bad a 400, /status-500 a 500 naming a server path, /plain an error
/// that is not an HTTPStatusError, also naming it.
struct FailingResponder: HTTPResponder {
    static let secretPath = "/srv/tessera/volumes/3/segment-000042"

    /// An error that is not an HTTPStatusError and names a path.
    struct DiskFailure: Error, CustomStringConvertible {
        var description: String { "pwrite \(FailingResponder.secretPath): Input/output error" }
    }

    func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        switch request.path {
        case "/bad": throw TestStatusError(status: 400, reason: "a bad parameter")
        case "/status-500": throw TestStatusError(status: 500, reason: "the catalog failed: \(Self.secretPath)")
        default: throw DiskFailure()
        }
    }
}
