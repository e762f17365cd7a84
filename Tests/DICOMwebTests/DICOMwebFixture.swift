// One archive for one test: an object store and a catalog in a temp dir, and a responder over them, reached
// through a TestClient so the same test body can run in-process or over a live socket.
import Catalog
import Chunking
import DICOMweb
import ObjectStore
import Posix
import Primitives
import Synchronization
import TestSupport

/// The archive a test talks to.
final class DICOMwebFixture {
    let directory = TemporaryDirectory(prefix: "tessera-dicomweb")
    let store: ObjectStore
    let catalog: Catalog
    let responder: DICOMwebResponder
    /// What the responder logged (failures whose client sees only their kind).
    let logged = LoggedLines()

    /// Tokens every fixture knows: one per role.
    static let tokens = [
        AccessToken(token: "reader-token", role: .read),
        AccessToken(token: "writer-token", role: .write),
        AccessToken(token: "admin-token", role: .admin),
    ]

    /// Opens an empty archive; `allowsAnonymous` as the node's loopback demo configuration. Tiny chunks (64 B to
    /// 1 KiB) make small instances span many chunks; large test files want the standard sizes. `isPipelined` runs
    /// the store's jobs (read-ahead, put stages, commits) on the tests' pooled executor, as a node does; otherwise
    /// they run inline, as in the simulator.
    init(
        allowsAnonymous: Bool = true, hasTinyChunks: Bool = true, isPipelined: Bool = false,
        configure: (inout DICOMwebConfiguration) -> Void = { _ in }
    ) throws {
        var configuration = StoreConfiguration.defaults(volumeCount: 3)
        if hasTinyChunks {
            configuration.chunking = try ChunkerConfiguration(
                chunkSizeMin: 64, chunkSizeAvg: 256, chunkSizeMax: 1024)
            configuration.smallObjectBytesMax = 128
        }
        configuration.segmentBytesMax = 1 << 20
        store = try ObjectStore.open(
            directory: directory.appending("store"), requested: configuration, disk: disk,
            random: SeededRandomSource(seed: 1),
            executor: isPipelined ? TestExecutors.pooled : InlineExecutor())
        catalog = try Catalog.open(
            path: directory.appending("catalog.sqlite"), options: CatalogOptions(isSynchronousFull: false)
        )
        let counter = Atomic<Int64>(0)
        var settings = DICOMwebConfiguration(
            originSite: try SiteID("test-site"), tokens: Self.tokens, allowsAnonymous: allowsAnonymous)
        configure(&settings)
        responder = DICOMwebResponder(
            configuration: settings,
            store: store, catalog: catalog,
            version: {
                let tick = counter.add(1, ordering: .relaxed).newValue
                return HLCTimestamp(
                    physicalMilliseconds: 1_700_000_000_000 + tick, logical: 0, nodeID: NodeID(1))
            }, log: { [logged] line in logged.append(line) })
    }

    deinit { store.close() }

    /// The store's disk: fdatasync does nothing, or fails while its switch is on.
    let disk = UnsyncedDisk()

    /// The in-process client.
    var client: InProcessClient { InProcessClient(responder: responder) }

    /// Every object in the store, as addresses, for "nothing changed" checks.
    func storedObjects() throws -> [String] { try store.list().map(\.address.hex).sorted() }
}

/// Lines a responder logged, shared with the test.
final class LoggedLines: Sendable {
    private let lines = Mutex<[String]>([])

    /// Adds one line.
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// Every line so far.
    var all: [String] { lines.withLock { $0 } }
}
