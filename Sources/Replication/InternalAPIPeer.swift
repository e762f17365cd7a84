// A peer reached through the internal HTTP API: encodes each call as its route and body, and decodes the answer
// with the wire formats' limits. The exchange itself is given: the node's HTTP client (over TLS between sites), or
// a responder called in-process by tests and the simulator, so both go through the same routes and formats.
public import Catalog
public import ObjectStore
public import Primitives

/// A `ReplicaPeer` over the internal API.
public struct InternalAPIPeer: ReplicaPeer {
    /// One request and its answer: the status and the body as it arrives (read to its end, or dropped); the answer
    /// given up when it has not begun within `answerWithinSeconds` (nil: the transport's own timeouts).
    public typealias Exchange =
        @Sendable (
            _ method: String, _ target: String, _ body: any ByteSource, _ bodyLength: Int,
            _ answerWithinSeconds: Double?
        ) throws -> (status: Int, body: any ByteSource)

    /// Most bytes of a refusal's reason read.
    static let refusalBytesMax = 64 << 10

    /// Most rows one answer may carry.
    public static let rowsMax = 1_000_000
    /// Most bytes of one rows answer.
    public static let rowBytesMax = 256 << 20

    private let exchange: Exchange

    /// A peer reached through `exchange`.
    public init(exchange: @escaping Exchange) { self.exchange = exchange }

    public func offer(_ offers: [(address: ChunkAddress, manifest: [UInt8])]) throws
        -> [Result<ChunkNeeds, ReplicaError>]
    {
        let needsBytesMax = 5 + ChunkNeeds.positionsMax / 8 + 1
        let answer = try call(
            "POST", "replicas/offers", ReplicaBatch.encodeOffers(offers),
            bytesMax: 3 + offers.count * (5 + needsBytesMax + 3 + ReplicaBatch.reasonBytesMax))
        let outcomes = try ReplicaBatch.decodeAnswer(answer, count: offers.count, answerBytesMax: needsBytesMax)
        return zip(offers, outcomes).map { offer, outcome in
            outcome.flatMap { bytes in
                guard let count = Manifest.decode(offer.manifest)?.entries.count else {
                    return .failure(ReplicaError(.malformed, "offering a manifest that does not decode"))
                }
                return Result { () throws(ReplicaError) in
                    do { return try ChunkNeeds.decode(bytes, offeredCount: count) } catch {
                        throw ReplicaError(.malformed, "the answer to offer \(offer.address): \(error)")
                    }
                }
            }
        }
    }

    public func transfer(batchOf count: Int, body: any ByteSource, bodyLength: Int) throws
        -> [Result<[RegionalRow], ReplicaError>]
    {
        let answer = try read(
            exchange("PUT", RegionalResponder.pathPrefix + "replicas", body, bodyLength, nil),
            bytesMax: 3 + count * (5 + 4 * RegionalWire.rowBytesMax + 3 + ReplicaBatch.reasonBytesMax))
        return try ReplicaBatch.decodeAnswer(answer, count: count, answerBytesMax: 4 * RegionalWire.rowBytesMax).map {
            outcome in
            outcome.flatMap { bytes in
                Result { () throws(ReplicaError) in
                    do { return try Self.rows(bytes) } catch {
                        throw ReplicaError(.malformed, "the acknowledgement: \(error)")
                    }
                }
            }
        }
    }

    public func digests(level: Int, indices: [Int]) throws -> [RegionalFingerprint] {
        let answer = try call(
            "POST", "catalog/digests", RegionalWire.encodeRequest(level: level, indices: indices),
            bytesMax: 16 + 16 * RegionalDigestTree.fanout * RegionalWire.indicesMax)
        return try RegionalWire.decodeDigests(answer, expectedCount: indices.count * RegionalDigestTree.fanout)
    }

    public func rows(inBuckets buckets: [Int]) throws -> [RegionalRow] {
        let answer = try call(
            "POST", "catalog/rows",
            RegionalWire.encodeRequest(level: RegionalDigestTree.depth, indices: buckets.sorted()),
            bytesMax: Self.rowBytesMax)
        return try Self.rows(answer)
    }

    /// The peer's health report (JSON), for the region page.
    public func health() throws -> [UInt8] { try call("GET", "health", [], bytesMax: 1 << 20) }

    public func manifest(address: ChunkAddress, answerWithinSeconds: Double?) throws -> [UInt8] {
        try call(
            "GET", "objects/\(address.hex)/manifest", [], bytesMax: Manifest.bytesMax, within: answerWithinSeconds)
    }

    public func chunks(_ entries: [ManifestEntry], answerWithinSeconds: Double?) throws -> ChunkStream {
        ChunkStream(
            body: try stream("chunks", ChunkStream.request(entries[...]), within: answerWithinSeconds), entries: entries
        )
    }

    public func objects(_ addresses: [ChunkAddress], answerWithinSeconds: Double?) throws -> ObjectStream {
        ObjectStream(body: try stream("objects", ObjectStream.request(addresses), within: answerWithinSeconds))
    }

    /// The body of a 200 answer to `request` posted to `route`, to read as it arrives; the peer's refusal thrown.
    private func stream(_ route: String, _ request: [UInt8], within seconds: Double?) throws -> any ByteSource {
        var (status, body) = try exchange(
            "POST", RegionalResponder.pathPrefix + route, MemorySource(request), request.count, seconds)
        if status != 200 { try Self.check(status, RegionalResponder.readBody(&body, max: Self.refusalBytesMax)) }
        return body
    }

    public func metadata(studyUID: String, instanceUID: String) throws -> [UInt8] {
        try call(
            "GET", "studies/\(studyUID)/instances/\(instanceUID)/metadata", [],
            bytesMax: CatalogInstance.metadataBytesMax)
    }

    private func call(_ method: String, _ route: String, _ body: [UInt8], bytesMax: Int, within seconds: Double? = nil)
        throws -> [UInt8]
    {
        try read(
            exchange(method, RegionalResponder.pathPrefix + route, MemorySource(body), body.count, seconds),
            bytesMax: bytesMax)
    }

    /// The whole answer of an exchange (at most `bytesMax` bytes), or the peer's refusal thrown.
    private func read(_ answer: (status: Int, body: any ByteSource), bytesMax: Int) throws -> [UInt8] {
        var body = answer.body
        let bytes = try RegionalResponder.readBody(
            &body, max: answer.status == 200 ? bytesMax : Self.refusalBytesMax, what: "the answer")
        try Self.check(answer.status, bytes)
        return bytes
    }

    /// Throws the peer's refusal for any status but 200.
    static func check(_ status: Int, _ answer: [UInt8]) throws(ReplicaError) {
        guard status != 200 else { return }
        let reason = String(decoding: answer.prefix(500), as: UTF8.self)
        switch status {
        case 422: throw ReplicaError(.corrupt, "the peer refused: \(reason)")
        case 507: throw ReplicaError(.full, "the peer is full: \(reason)")
        case 400..<500: throw ReplicaError(.malformed, "the peer refused (\(status)): \(reason)")
        default: throw ReplicaError(.unavailable, "the peer answered \(status): \(reason)")
        }
    }

    /// The rows of a framed answer.
    static func rows(_ answer: [UInt8]) throws -> [RegionalRow] {
        var stream = RegionalRowStream(rowsMax: rowsMax)
        let rows = try stream.append(answer)
        try stream.finish()
        return rows
    }
}
