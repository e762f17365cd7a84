// An ArchiveNode run in-process for tests: a temp data directory, a seeded random source, a manual wall clock, and
// requests handed straight to the node's responder (no socket is served). The node is shut down on release.
import Foundation
import HTTP
import Node
import Posix
import Primitives
import TestSupport

/// One in-process node and the fakes it was built from.
final class NodeHarness {
    /// The wall clock every harness starts at: 2024-01-01T00:00:00Z.
    static let startMilliseconds: Int64 = 1_704_067_200_000
    /// A token with the read role, for the health figures.
    static let readToken = "read-token-0123456789abcdef"
    /// A token with the write role, for STOW-RS.
    static let writeToken = "write-token-0123456789abcdef"
    /// A token with the admin role, for `/admin/…`.
    static let adminToken = "admin-token-0123456789abcdef"

    let node: ArchiveNode
    let wallClock: ManualWallClock

    /// Opens a node on `directory` with randomness seeded by `seed`; `allowsAnonymous` false requires the tokens.
    /// `cluster` puts it in a region (its reactor is started).
    init(
        directory: String, seed: UInt64, allowsAnonymous: Bool = true, cluster: NodeConfiguration.Cluster? = nil,
        site: String = "test-site", tls: NodeConfiguration.TLSFiles? = nil,
        dimse: NodeConfiguration.DIMSESettings? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        wallClock = ManualWallClock(milliseconds: Self.startMilliseconds)
        var configuration = NodeConfiguration(
            dataDirectory: directory, http: "127.0.0.1:0", allowAnonymous: allowsAnonymous)
        configuration.volumeCount = 3
        configuration.erasureCode = NodeConfiguration.ErasureCode(dataShardCount: 2, parityShardCount: 1)
        configuration.site = site
        configuration.readCacheBytes = 0
        configuration.tokens = [
            .init(name: "reader", token: Self.readToken, role: .read),
            .init(name: "writer", token: Self.writeToken, role: .write),
            .init(name: "admin", token: Self.adminToken, role: .admin),
        ]
        configuration.cluster = cluster
        configuration.tls = tls
        configuration.dimse = dimse
        let environment = NodeEnvironment(
            disk: PosixDisk(), monotonicClock: MonotonicClock(), wallClock: wallClock,
            random: SeededRandomSource(seed: seed), executor: PooledExecutor(name: "node-test", threadCountMax: 16),
            network: PosixNetwork())
        node = try ArchiveNode(configuration: configuration, environment: environment, log: log)
        if cluster != nil || tls != nil || dimse != nil { try node.start() }
    }

    deinit { _ = node.shutdown { _ in true } }

    /// Sends one request to the node's responder and returns status and body; an HTTPStatusError thrown before the
    /// head is answered as the server would (its status, the reason as the body).
    func send(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> (status: Int, body: [UInt8]) {
        var fields = HTTPHeaders(headers.map { (name: $0.0, value: $0.1) })
        fields.add("Host", "node.test")
        let request = HTTPRequestHead(method: method, target: target, headers: fields)
        var source = MemorySource(body)
        var writer = BufferedResponseWriter()
        do {
            try node.responder.respond(to: request, body: &source, response: &writer)
        } catch let error as any HTTPStatusError {
            return (error.status, Array(error.reason.utf8))
        }
        guard let head = writer.head, writer.isFinished else {
            throw HarnessFailure("the node returned without finishing its response to \(method) \(target)")
        }
        return (head.status, writer.body)
    }

    /// The JSON object or array in `body`.
    static func json(_ body: [UInt8]) throws -> Any { try JSONSerialization.jsonObject(with: Data(body)) }
}

/// A failure of the harness itself.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
