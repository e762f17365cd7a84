// Test helpers: in-process nodes with a tiny store and a catalog each, their internal API reached through the
// responder called directly (the same routes and formats as over HTTP), and instances made of seeded bytes.
import Catalog
import Chunking
import HTTP
import ObjectStore
import Posix
import Primitives
import Replication
import Synchronization
import TestSupport

/// One node of an in-process region.
final class TestNode: Sendable {
    let id: NodeID
    let directory: TemporaryDirectory
    let store: ObjectStore
    let catalog: Catalog
    let responder: RegionalResponder
    /// Whether requests to it get through (false: a peer finds it unreachable).
    let isUp = Mutex(true)

    static let token = "cluster-secret"

    /// Node `number`; `observe` is its clock's merge of a received version (false: too far ahead of it).
    init(_ number: UInt64, observe: @escaping @Sendable (HLCTimestamp) -> Bool = { _ in true }) throws {
        id = NodeID(number)
        directory = TemporaryDirectory(prefix: "region-node")
        var configuration = StoreConfiguration.defaults(volumeCount: 6)
        configuration.chunking = try ChunkerConfiguration(chunkSizeMin: 64, chunkSizeAvg: 256, chunkSizeMax: 1024)
        configuration.smallObjectBytesMax = 128
        configuration.segmentBytesMax = 64 << 10
        store = try ObjectStore.open(
            directory: directory.appending("data"), requested: configuration, disk: PosixDisk(),
            random: SeededRandomSource(seed: number), executor: InlineExecutor())
        catalog = try Catalog.open(
            path: directory.appending("catalog.sqlite"), options: CatalogOptions(isSynchronousFull: false))
        let receiver = ReplicaReceiver(
            store: store, catalog: catalog, holder: id, observe: observe, nowMilliseconds: { 10_000 })
        responder = RegionalResponder(
            catalog: catalog, receiver: receiver,
            isAuthenticated: { $0.headers["X-Tessera-Cluster"] == TestNode.token })
    }

    /// Calls the responder as the HTTP server would, answering a thrown HTTPStatusError with its status.
    func exchange(
        method: String, target: String, body: any ByteSource, token: String = TestNode.token,
        transform: ([UInt8]) -> [UInt8] = { $0 }
    ) throws -> (status: Int, body: [UInt8]) {
        guard isUp.withLock({ $0 }) else { throw ReplicaError(.unavailable, "node \(id) is down") }
        var bytes: [UInt8] = []
        var source = body
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        var request = MemorySource(transform(bytes))
        var writer = BufferedResponseWriter()
        let head = HTTPRequestHead(
            method: method, target: target, headers: HTTPHeaders([(name: "X-Tessera-Cluster", value: token)]))
        do {
            try responder.respond(to: head, body: &request, response: &writer)
        } catch let error as any HTTPStatusError {
            return (error.status, Array(error.reason.utf8))
        }
        return (writer.head?.status ?? 0, writer.body)
    }

    /// A peer for this node, as another node reaches it; `transform` changes transfer bodies on the way.
    func peer(transform: @escaping @Sendable ([UInt8]) -> [UInt8] = { $0 }) -> InternalAPIPeer {
        InternalAPIPeer { [self] method, target, body, _, _ in
            let (status, answer) = try exchange(
                method: method, target: target, body: body, transform: method == "PUT" ? transform : { $0 })
            return (status, MemorySource(answer))
        }
    }

    /// Stores `bytes` as instance `sop` of study `study` and catalogues it, replicated to `targets`.
    @discardableResult
    func store(study: String, sop: String, bytes: [UInt8], targets: [NodeID], version: Int64)
        throws -> ChunkAddress
    {
        var source = MemorySource(bytes)
        let receipt = try store.put(from: &source)
        let instance = CatalogInstance(
            attributes: [
                CatalogTag.studyInstanceUID: study, CatalogTag.seriesInstanceUID: study + ".1",
                CatalogTag.sopInstanceUID: sop, CatalogTag.sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
                CatalogTag.patientName: "Durand^Lea",
            ],
            transferSyntaxUID: "1.2.840.10008.1.2.1", manifestAddress: receipt.address,
            lengthBytes: Int64(bytes.count), originSite: try SiteID("reims"), metadata: Array("{\"\(sop)\":1}".utf8))
        let hlc = HLCTimestamp(physicalMilliseconds: 1_000 + version, logical: 0, nodeID: id)
        _ = try catalog.insert(
            [(instance, hlc)], sharing: CatalogSharing(holder: id, targets: [sop: targets], nowMilliseconds: 5_000)
        ) { true }
        return receipt.address
    }

    /// The instance's bytes as this node's store holds them.
    func bytes(_ address: ChunkAddress) throws -> [UInt8] {
        var sink = MemorySink()
        try store.get(address, into: &sink)
        return sink.bytes
    }
}
