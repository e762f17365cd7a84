// Goal: HTTPS between nodes is mutual TLS 1.3 against the cluster CA: whole exchanges pass bit-exact, and a client
// without a certificate, with one of another CA, a server of another CA or one not named for the address, and plain
// HTTP at a TLS port are all refused with a reason that says which, while the server goes on serving.
// Method: a CA and certificates made in the test (`TLSCertificateAuthority`), a real server and client on loopback.
import HTTP
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing
import Transport

/// A cluster CA with certificates for a server at 127.0.0.1 and a client, made once for the suite.
struct TLSFixture: Sendable {
    let authority: TLSCertificateAuthority
    let server: TLSIdentity
    let client: TLSIdentity

    init(name: String = "test cluster", serverAddress: String = "127.0.0.1") throws {
        let now = RealTimeClock().millisecondsSinceEpoch() / 1_000
        authority = try TLSCertificateAuthority.make(name: name, now: now, validDays: 30)
        server = try authority.issue(commonName: "server-1", addresses: [serverAddress], now: now, validDays: 30)
        client = try authority.issue(commonName: "client-1", addresses: ["127.0.0.1"], now: now, validDays: 30)
    }

    /// A server context demanding client certificates of this CA.
    func serverContext() throws -> TLSContext {
        try TLSContext.server(identity: server, clientAuthorityPEM: authority.identity.certificatePEM)
    }

    /// A client context trusting this CA, presenting `identity`.
    func clientContext(_ identity: TLSIdentity?) throws -> TLSContext {
        try TLSContext.client(authorityPEM: authority.identity.certificatePEM, identity: identity)
    }
}

/// The reasons a server gave for refused handshakes.
final class RefusalLog: Sendable {
    private let reasons = Mutex<[String]>([])
    func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
    var all: [String] { reasons.withLock { $0 } }
}

@Suite(.serialized) struct TLSTests {
    static let fixture = Result { try TLSFixture() }
    static let stranger = Result { try TLSFixture(name: "another cluster") }

    /// Runs `body` against a mutual-TLS server using `serverTLS`; `refusals` collects its refused handshakes.
    static func withTLSServer<Value>(
        _ serverTLS: TLSContext, _ body: (HTTPServer, RefusalLog) throws -> Value
    ) throws -> Value {
        let refusals = RefusalLog()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(headerTimeoutSeconds: 2), responder: TestResponder(),
            clock: MonotonicClock(), wallClock: RealTimeClock(), tls: serverTLS,
            refused: { refusals.add($0.message) })
        try server.start()
        defer { server.stop() }
        return try body(server, refusals)
    }

    /// The error a request to `server` through `tls` ends in, as text ("" when it succeeded).
    static func failure(_ server: HTTPServer, _ tls: TLSContext, host: String = "127.0.0.1") -> String {
        do {
            let client = try HTTPClient(
                baseURL: "https://\(host):\(server.port)", configuration: HTTPClientConfiguration(ioTimeoutSeconds: 5),
                clock: MonotonicClock(), tls: tls)
            defer { client.close() }
            var response = try client.send(method: "GET", target: "/hello")
            _ = try response.readAll()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("a mutual-TLS exchange carries large bodies both ways bit-exact, over one kept-alive connection")
    func roundTrip() async throws {
        try await blocking {
            let fixture = try Self.fixture.get()
            try Self.withTLSServer(try fixture.serverContext()) { server, refusals in
                let client = try HTTPClient(
                    baseURL: "https://127.0.0.1:\(server.port)", clock: MonotonicClock(),
                    tls: try fixture.clientContext(fixture.client))
                defer { client.close() }
                for seed in 1...3 {
                    let payload = TestBytes.random(count: 3_000_000 + seed, seed: UInt64(seed))
                    var response = try client.send(method: "POST", target: "/echo", bytes: payload)
                    #expect(response.status == 200)
                    let echoed = try response.readAll()
                    #expect(echoed.count == payload.count && echoed == payload)
                }
                var chunked = try client.send(method: "GET", target: "/generate?bytes=1000000&chunked=1")
                #expect(try chunked.readAll().count == 1_000_000)
                #expect(server.acceptedConnectionCount == 1)
                #expect(refusals.all.isEmpty)
            }
        }
    }

    @Test("no client certificate, or one of another CA, is refused at the handshake with the reason")
    func clientRefused() async throws {
        try await blocking {
            let fixture = try Self.fixture.get()
            let stranger = try Self.stranger.get()
            try Self.withTLSServer(try fixture.serverContext()) { server, refusals in
                let anonymous = Self.failure(server, try fixture.clientContext(nil))
                #expect(anonymous.contains("certificate required"), "\(anonymous)")
                let foreign = Self.failure(
                    server,
                    try TLSContext.client(
                        authorityPEM: fixture.authority.identity.certificatePEM, identity: stranger.client))
                #expect(foreign.contains("unknown ca"), "\(foreign)")
                #expect(Self.failure(server, try fixture.clientContext(fixture.client)) == "")
                let reasons = refusals.all
                #expect(reasons.count == 2)
                #expect(reasons.first?.contains("peer did not return a certificate") == true, "\(reasons)")
                #expect(reasons.last?.contains("unable to get local issuer certificate") == true, "\(reasons)")
            }
        }
    }

    @Test("a server of another CA, or one whose certificate names another address, is refused by the client")
    func serverRefused() async throws {
        try await blocking {
            let fixture = try Self.fixture.get()
            let stranger = try Self.stranger.get()
            try Self.withTLSServer(try stranger.serverContext()) { server, _ in
                let reason = Self.failure(server, try fixture.clientContext(fixture.client))
                #expect(reason.contains("certificate verify failed"), "\(reason)")
            }
            let elsewhere = try TLSFixture(serverAddress: "127.0.0.2")
            try Self.withTLSServer(try elsewhere.serverContext()) { server, _ in
                let reason = Self.failure(server, try elsewhere.clientContext(elsewhere.client))
                #expect(reason.contains("IP address mismatch"), "\(reason)")
            }
        }
    }

    @Test("plain HTTP, garbage and a silent client at a TLS port are closed; the server goes on serving")
    func hostileInput() async throws {
        try await blocking {
            let fixture = try Self.fixture.get()
            try Self.withTLSServer(try fixture.serverContext()) { server, refusals in
                for bytes in [
                    Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), [0x16, 0x03, 0x01, 0xff, 0xff, 0, 1, 2],
                ] {
                    let raw = try RawClient(port: server.port)
                    try sendBytes(bytes, on: raw.socket)
                    var scratch = [UInt8](repeating: 0, count: 4096)
                    let count = try scratch.withUnsafeMutableBytes { buffer in
                        try raw.socket.receive(into: buffer, deadline: deadline(seconds: 5))
                    }
                    // At most an alert record (type 21) comes back, never an HTTP answer.
                    #expect(count == 0 || scratch[0] == 21)
                    raw.socket.close()
                }
                let silent = try RawClient(port: server.port)
                defer { silent.socket.close() }
                #expect(Self.failure(server, try fixture.clientContext(fixture.client)) == "")
                let started = MonotonicClock().now()
                while refusals.all.count < 3 && MonotonicClock().now().ticks(since: started) < 10_000_000 {
                    MonotonicClock().sleep(until: MonotonicClock().now().advanced(byTicks: 50_000))
                }
                #expect(refusals.all.count == 3, "\(refusals.all)")
            }
        }
    }
}
