// The live half of the `.router` / `.live` pair: the same test bodies sent through Transport's HTTPServer and
// HTTPClient over a loopback socket, so framing, Content-Length, chunking and error answers are real.
import DICOMweb
import HTTP
import Posix
import Primitives
import Testing
import Transport

/// A TestClient over a real socket to an HTTPServer running the responder.
final class LiveClient: TestClient {
    let server: HTTPServer
    let client: HTTPClient

    /// Starts a server for `responder` on 127.0.0.1 and an ephemeral port.
    init(responder: DICOMwebResponder) throws {
        server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: responder,
            clock: MonotonicClock(), wallClock: RealTimeClock())
        try server.start()
        client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)", clock: MonotonicClock())
    }

    deinit {
        client.close()
        server.stop()
    }

    func send(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) throws -> TestResponse {
        var headers = headers
        if headers["Host"] == nil { headers.add("Host", "archive.test") }
        var response =
            body.isEmpty && method != "POST"
            ? try client.send(method: method, target: target, headers: headers)
            : try client.send(method: method, target: target, headers: headers, bytes: body)
        let bytes = try response.readAll()
        return TestResponse(status: response.status, headers: response.headers, body: bytes)
    }
}

/// The same search and retrieve bodies as SearchTests and RetrieveTests, over a live socket.
@Suite(.serialized) struct LiveSearchRetrieveTests {
    func run(_ body: (LiveClient, [SeededInstance]) throws -> Void) throws {
        let fixture = try DICOMwebFixture()
        let seeded = try fixture.seed()
        let client = try LiveClient(responder: fixture.responder)
        try body(client, seeded)
    }

    @Test("live: searches at every level and path")
    func searches() throws {
        try run { client, _ in
            try SearchBodies.studyLevel(client)
            try SearchBodies.includeAndPaging(client)
            try SearchBodies.badParameters(client)
            try SearchBodies.seriesAndInstanceLevels(client)
        }
    }

    @Test("live: retrieves byte-identical, negotiation, metadata, bulk data and errors")
    func retrieves() throws {
        try run { client, seeded in
            try RetrieveBodies.instancesByteIdentical(client, seeded)
            try RetrieveBodies.negotiation(client)
            try RetrieveBodies.transcoded(client, seeded)
            try RetrieveBodies.wadoURI(client, seeded)
            try RetrieveBodies.metadataAndBulkData(client, seeded)
            try RetrieveBodies.errors(client)
        }
    }
}

/// The same STOW-RS bodies as StoreTests, over a live socket.
@Suite(.serialized) struct LiveStoreTests {
    func run(allowsAnonymous: Bool = true, _ body: (LiveClient, DICOMwebFixture) throws -> Void) throws {
        let fixture = try DICOMwebFixture(allowsAnonymous: allowsAnonymous)
        let client = try LiveClient(responder: fixture.responder)
        try body(client, fixture)
    }

    @Test("live: store then find, study path, idempotence and conflict")
    func stores() throws {
        try run { client, _ in try StoreBodies.storeThenFind(client) }
        try run { client, _ in try StoreBodies.singleBodyAndStudyPath(client) }
        try run { client, fixture in try StoreBodies.idempotentAndConflict(client, objects: fixture.storedObjects) }
    }

    @Test("live: hostile parts, broken framing and tokens")
    func refusals() throws {
        try run { client, fixture in try StoreBodies.hostileParts(client, objects: fixture.storedObjects) }
        try run { client, fixture in try StoreBodies.framing(client, objects: fixture.storedObjects) }
        try run(allowsAnonymous: false) { client, _ in try StoreBodies.tokens(client) }
    }
}
