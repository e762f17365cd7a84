// One node of the simulated region: its store and catalog in its own folder, its RegionServices built with the
// simulator's clock, seeded randomness, an inline executor, a membership view and network. A crash drops all of it
// without a goodbye; a restart opens the same folder again, as a node restarted on its own disks.
import Catalog
import Chunking
import Coding
import Foundation
import Membership
import Node
import ObjectStore
import Posix
import Primitives
import Replication
import TestSupport

// SAFETY: used only on the simulation's one thread (see RegionSimulation).
final class SimulatedNode: @unchecked Sendable {
    let index: Int
    let id: NodeID
    let site: SiteID
    let metadata: MemberMetadata
    unowned let simulation: RegionSimulation
    var store: ObjectStore?
    var catalog: Catalog?
    var clock: NodeClock?
    var services: RegionServices?
    var starts = 0

    var isUp: Bool { services != nil }

    init(index: Int, simulation: RegionSimulation) throws {
        self.index = index
        self.simulation = simulation
        id = NodeID(0x5100 + UInt64(index))
        let place = RegionSimulation.places[index]
        site = try SiteID(place.0)
        let address = GossipAddress(host: "10.0.0.\(index + 1)", port: 7946)
        metadata = MemberMetadata(
            nodeID: id, territory: try TerritoryID(place.1), site: site, gossipAddress: address,
            httpAddress: address, volumes: [VolumeFreeSpace(volumeID: 1, bytesFree: 1 << 40, bytesTotal: 1 << 40)],
            softwareVersion: "sim", metadataVersion: 1)
        try open()
    }

    /// Opens the store and catalog in this node's folder and starts its data plane.
    func open() throws {
        let folder = simulation.directory.appending("node-\(index)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = StoreConfiguration.defaults(volumeCount: 3)
        configuration.chunking = try ChunkerConfiguration(chunkSizeMin: 256, chunkSizeAvg: 1024, chunkSizeMax: 4096)
        configuration.smallObjectBytesMax = 256
        configuration.segmentBytesMax = 256 << 10
        starts += 1
        let seed = simulation.seed &* 31 &+ UInt64(index * 1_000 + starts)
        let store = try ObjectStore.open(
            directory: folder + "/data", requested: configuration, disk: PosixDisk(),
            random: SeededRandomSource(seed: seed), executor: InlineExecutor())
        let catalog = try Catalog.open(
            path: folder + "/catalog.sqlite", options: CatalogOptions(isSynchronousFull: false))
        let clock = NodeClock(nodeID: id, wallClock: simulation.time, last: try catalog.versionMax())
        var settings = NodeConfiguration.Cluster(gossip: "10.0.0.\(index + 1):7946", keyFile: "unused")
        settings.territory = RegionSimulation.places[index].1
        settings.antiEntropyIntervalSeconds = 2
        settings.downOutSeconds = 10
        settings.auditInstancesPerSecond = 100
        let environment = NodeEnvironment(
            disk: PosixDisk(), monotonicClock: simulation.time, wallClock: simulation.time,
            random: SeededRandomSource(seed: seed), executor: InlineExecutor(), network: PosixNetwork())
        let simulation = simulation
        let from = index
        services = RegionServices(
            settings: settings, nodeID: id, site: site, store: store, catalog: catalog,
            membership: SimulatedMembers(simulation: simulation, observer: index), clock: clock,
            environment: environment,
            connect: { metadata in
                guard let to = simulation.nodes.firstIndex(where: { $0.id == metadata.nodeID }) else { return nil }
                return InternalAPIPeer { method, target, body, _, _ in
                    let (status, answer) = try simulation.exchange(
                        from: from, to: to, method: method, target: target, body: body)
                    return (status, MemorySource(answer))
                }
            }, log: { _ in })
        self.store = store
        self.catalog = catalog
        self.clock = clock
    }

    /// Stops at once: nothing is closed cleanly, what was committed stays on disk.
    func crash() {
        services = nil
        catalog = nil
        clock = nil
        store = nil
    }
}

/// A node's view of the members, as the simulation derives it.
struct SimulatedMembers: RegionMembership, @unchecked Sendable {
    // SAFETY: read only on the simulation's thread.
    let simulation: RegionSimulation
    let observer: Int

    var memberRows: [MembershipSnapshot.Row] { simulation.rows(seenBy: observer) }
    var clusterKeyring: ClusterKeyring { SimulatedMembers.keyring }

    static let keyring = try! ClusterKeyring(primary: ClusterKey(bytes: [UInt8](repeating: 7, count: 32)))
}
