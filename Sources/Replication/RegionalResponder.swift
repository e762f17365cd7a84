// The internal HTTP API one node answers for the others (DESIGN.md, "Interfaces"): the regional catalog's digests
// and rows for anti-entropy, replica offers and transfers. Every request is first authenticated by the node (the
// cluster's credentials); every body is bounded and parsed by the wire formats, and any fault is refused with a
// status and a sentence naming it, nothing stored changed. Counts what it refused, for /metrics.
public import Catalog
public import HTTP
import ObjectStore
public import Primitives
import Synchronization

/// Answers `/internal/v1/…`.
public struct RegionalResponder: HTTPResponder {
    /// Where the internal API lives.
    public static let pathPrefix = "/internal/v1/"
    /// The largest request body other than a transfer: a manifest.
    static let smallBodyBytesMax = Manifest.bytesMax

    /// This node's catalog, for digests and rows.
    public let catalog: Catalog
    /// Takes offers and transfers.
    public let receiver: ReplicaReceiver
    /// Whether a request carries this cluster's credentials; refused with 403 otherwise.
    public let isAuthenticated: @Sendable (HTTPRequestHead) -> Bool
    /// Requests refused (unauthenticated or malformed) since start.
    public let refusals: RegionalRefusals
    /// This node's health report as JSON, for the region page other nodes draw (`GET …/health`).
    public let health: @Sendable () throws -> [UInt8]
    /// What a refused request is told.
    public let refusalReason: String

    /// Makes the responder.
    public init(
        catalog: Catalog, receiver: ReplicaReceiver, isAuthenticated: @escaping @Sendable (HTTPRequestHead) -> Bool,
        refusals: RegionalRefusals = RegionalRefusals(), health: @escaping @Sendable () throws -> [UInt8] = { [] },
        refusalReason: String = "internal routes answer only this cluster's nodes"
    ) {
        self.refusalReason = refusalReason
        self.health = health
        self.catalog = catalog
        self.receiver = receiver
        self.isAuthenticated = isAuthenticated
        self.refusals = refusals
    }

    public func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        guard isAuthenticated(request) else {
            refusals.unauthenticated.add(1, ordering: .relaxed)
            throw RegionalRouteError(status: 403, reason: refusalReason)
        }
        do {
            try route(request, body: &body, response: &response)
        } catch let error as ReplicaError {
            refusals.malformed.add(1, ordering: .relaxed)
            throw error
        }
    }

    private func route(
        _ request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        let parts = request.path.dropFirst(Self.pathPrefix.count).split(
            separator: "/", omittingEmptySubsequences: false)
        switch (request.method, parts.count, parts.first) {
        case ("POST", 2, "catalog") where parts[1] == "digests":
            let (level, indices) = try Self.request(try Self.readBody(&body, max: 4 + 2 * RegionalWire.indicesMax))
            guard level < RegionalDigestTree.depth else {
                throw ReplicaError(.malformed, "digests are asked for above the buckets, not at level \(level)")
            }
            let digests = catalog.regionalDigestTree.children(of: indices, atLevel: level)
            try Self.send(RegionalWire.encodeDigests(digests), response: &response)
        case ("POST", 2, "catalog") where parts[1] == "rows":
            let (level, buckets) = try Self.request(try Self.readBody(&body, max: 4 + 2 * RegionalWire.indicesMax))
            guard level == RegionalDigestTree.depth else {
                throw ReplicaError(.malformed, "rows are asked for by bucket (level \(RegionalDigestTree.depth))")
            }
            let rows = try catalog.regionalRows(inBuckets: buckets)
            try Self.send(rows.flatMap(RegionalRowStream.frame), response: &response)
        case ("POST", 2, "replicas") where parts[1] == "offers":
            let outcomes = try ReplicaBatch.readOffers(from: &body).map { offer in
                Result { () throws(ReplicaError) in
                    try receiver.answerOffer(address: offer.address, manifestBytes: offer.manifest).encoded()
                }
            }
            countRefused(outcomes)
            try Self.send(ReplicaBatch.encodeAnswer(outcomes), response: &response)
        case ("PUT", 1, "replicas"):
            let outcomes = try receiver.receiveBatch(body: &body).map { $0.map { $0.flatMap(RegionalRowStream.frame) } }
            countRefused(outcomes)
            try Self.send(ReplicaBatch.encodeAnswer(outcomes), response: &response)
        case ("GET", 1, "health"):
            try Self.send(try health(), response: &response)
        case ("GET", 3, "objects") where parts[2] == "manifest":
            let address = try Self.address(parts[1])
            let manifest: Manifest
            do { manifest = try receiver.store.manifest(address) } catch {
                throw RegionalRouteError(status: 404, reason: "no object \(address) here: \(error)")
            }
            try Self.send(manifest.encoded(), response: &response)
        case ("POST", 1, "objects"):
            let addresses = try ObjectStream.addresses(
                ofRequest: try Self.readBody(&body, max: 3 + 32 * ObjectStream.countMax))
            try sendObjects(addresses, response: &response)
        case ("POST", 1, "chunks"):
            let entries = try ChunkStream.entries(
                ofRequest: try Self.readBody(
                    &body, max: Manifest.headerBytes + ChunkStream.entriesMax * Manifest.entryBytes))
            try sendChunks(entries, response: &response)
        case ("GET", 5, "studies") where parts[2] == "instances" && parts[4] == "metadata":
            let found = try catalog.instances(
                studyInstanceUID: String(parts[1]), sopInstanceUID: String(parts[3]), includingMetadata: true)
            guard let stored = found.first, !stored.metadata.isEmpty else {
                throw RegionalRouteError(status: 404, reason: "no header of instance \(parts[3]) here")
            }
            try Self.send(stored.metadata, response: &response)
        default:
            throw RegionalRouteError(status: 404, reason: "no internal route \(request.method) \(request.path)")
        }
    }

    /// Counts the items of a batch refused for what they carried with the refused requests (those this node could
    /// not take now do not count: the sender tries them again).
    private func countRefused(_ outcomes: [Result<[UInt8], ReplicaError>]) {
        let refused = outcomes.filter { outcome in
            guard case .failure(let error) = outcome else { return false }
            return [.malformed, .inconsistent, .corrupt].contains(error.code)
        }
        refusals.malformed.add(refused.count, ordering: .relaxed)
    }

    /// A digests or rows request.
    static func request(_ bytes: [UInt8]) throws(ReplicaError) -> (level: Int, indices: [Int]) {
        do { return try RegionalWire.decodeRequest(bytes) } catch {
            throw ReplicaError(.malformed, "the request: \(error)")
        }
    }

    /// The chunk address in a path segment (64 hex digits).
    static func address(_ segment: Substring) throws(ReplicaError) -> ChunkAddress {
        guard let address = ChunkAddress(hex: String(segment)) else {
            throw ReplicaError(.malformed, "\"\(segment.prefix(80))\" is not a chunk address (64 hex digits)")
        }
        return address
    }

    /// The whole body, refused past `max` bytes (`what` names it in the error).
    static func readBody(_ body: inout some ByteSource, max: Int, what: String = "the request body") throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try body.read(into: $0) }
            if count == 0 { return bytes }
            guard bytes.count + count <= max else {
                throw ReplicaError(.malformed, "\(what) is over \(max) bytes")
            }
            bytes.append(contentsOf: buffer[..<count])
        }
    }

    /// The chunks of `entries` back to back. The first is read before the head, so a node without it answers 404;
    /// one that fails later cuts the answer short (the reader goes on at another holder from that chunk).
    func sendChunks(_ entries: [ManifestEntry], response: inout some HTTPResponseWriter) throws {
        var bytes: [UInt8]
        do { bytes = try receiver.store.chunk(entries[0]) } catch {
            throw RegionalRouteError(status: 404, reason: "chunk \(entries[0].address) cannot be read here: \(error)")
        }
        try Self.writeHead(length: entries.reduce(0) { $0 + Int($1.length) }, response: &response)
        for index in entries.indices {
            if index > 0 { bytes = try receiver.store.chunk(entries[index]) }
            try bytes.withUnsafeBytes { try response.writeBody($0) }
        }
        try response.finish()
    }

    /// The objects at `addresses`, each its manifest (after its u32 length; `ObjectStream.notHeld` for one this node
    /// does not hold) then its chunks. A chunk that fails cuts the answer short (the reader goes on elsewhere).
    func sendObjects(_ addresses: [ChunkAddress], response: inout some HTTPResponseWriter) throws {
        let manifests = addresses.map { try? receiver.store.manifest($0) }
        let manifestBytes = manifests.reduce(0) { $0 + ($1.map { $0.entries.count * Manifest.entryBytes } ?? 0) }
        guard manifestBytes <= ObjectStream.manifestBytesMax else {
            throw ReplicaError(
                .malformed,
                "the objects asked for have \(manifestBytes) bytes of manifests, over \(ObjectStream.manifestBytesMax)")
        }
        let length = manifests.reduce(0) { total, manifest in
            total + 4
                + (manifest.map { Manifest.headerBytes + $0.entries.count * Manifest.entryBytes + Int($0.length) } ?? 0)
        }
        try Self.writeHead(length: length, response: &response)
        for manifest in manifests {
            guard let manifest else {
                try withUnsafeBytes(of: ObjectStream.notHeld.littleEndian) { try response.writeBody($0) }
                continue
            }
            let bytes = manifest.encoded()
            try withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { try response.writeBody($0) }
            try bytes.withUnsafeBytes { try response.writeBody($0) }
            for entry in manifest.entries {
                try receiver.store.chunk(entry).withUnsafeBytes { try response.writeBody($0) }
            }
        }
        try response.finish()
    }

    /// A 200 head for `length` bytes of octets.
    static func writeHead(length: Int, response: inout some HTTPResponseWriter) throws {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/octet-stream")
        headers.add("Content-Length", String(length))
        headers.add("Cache-Control", "no-store")
        try response.writeHead(HTTPResponseHead(status: 200, headers: headers))
    }

    static func send(_ bytes: [UInt8], response: inout some HTTPResponseWriter) throws {
        try writeHead(length: bytes.count, response: &response)
        try bytes.withUnsafeBytes { try response.writeBody($0) }
        try response.finish()
    }
}

/// Internal requests refused, by cause.
public final class RegionalRefusals: Sendable {
    let unauthenticated = Atomic<Int>(0)
    let malformed = Atomic<Int>(0)

    public init() {}

    /// Counts a connection refused before any request: a TLS handshake without a certificate of this cluster.
    public func refusedHandshake() { unauthenticated.add(1, ordering: .relaxed) }

    /// Requests (and handshakes) without this cluster's credentials.
    public var unauthenticatedCount: Int { unauthenticated.load(ordering: .relaxed) }
    /// Requests malformed, inconsistent or carrying a damaged chunk.
    public var malformedCount: Int { malformed.load(ordering: .relaxed) }
}

/// An internal route's refusal that is not a replica's (unauthenticated, no such route).
public struct RegionalRouteError: HTTPStatusError, Sendable {
    public let status: Int
    public let reason: String
}
