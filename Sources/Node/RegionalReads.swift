// WADO-RS reads of instances held elsewhere, for a node in a region: the live holders from the regional catalog,
// nearest first by Vivaldi's round-trip estimate (members without an estimate last), read through
// NearestHolderReader (a run of a study's instances in one stream). Reached through the routes' slot, since the
// region services exist only after the server binds.
import Catalog
import DICOMweb
import Membership
import ObjectStore
public import Primitives
import Replication

/// The node's `RemoteObjects`.
struct RegionalReads: RemoteObjects {
    let region: Slot<RegionServices>

    func get(_ address: ChunkAddress, instanceUID: String, length: UInt64, into sink: inout some ByteSink) throws {
        try services().fetch(address, instanceUID: instanceUID, length: length, into: &sink)
    }

    func get(_ objects: [RemoteObject], into sink: inout some ObjectSequenceSink) throws {
        guard let first = objects.first else { return }
        let services = try services()
        // A study's instances share their holders (placement is by study): the run is ranked by its first.
        let reader = NearestHolderReader(
            holders: try services.rankedHolders(of: first.instanceUID),
            latencies: (services.holderLatencies, services.environment.monotonicClock))
        let failures = try reader.getAll(objects.map { ($0.address, $0.length) }, into: &sink)
        for failure in failures.prefix(3) {
            services.log("reading \(objects.count) instances from node \(failure.node) failed: \(failure.reason)")
        }
    }

    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8] {
        var reasons: [String] = []
        for (node, peer) in try services().rankedHolders(of: instanceUID) {
            do { return try peer.metadata(studyUID: studyUID, instanceUID: instanceUID) } catch {
                reasons.append("node \(node): \(error)")
            }
        }
        throw ReplicaError(
            .unavailable, "no holder could serve the header of \(instanceUID) (\(reasons.joined(separator: "; ")))")
    }

    private func services() throws -> RegionServices {
        guard let services = region.value else {
            throw ReplicaError(.unavailable, "this node is not in a region yet")
        }
        return services
    }
}

extension RegionServices {
    /// Writes the object at `address` (instance `instanceUID`, `length` bytes) from the nearest live holder into
    /// `sink`, each chunk verified before it is written, falling back through the holders on failure.
    public func fetch(_ address: ChunkAddress, instanceUID: String, length: UInt64, into sink: inout some ByteSink)
        throws
    {
        let reader = NearestHolderReader(
            holders: try rankedHolders(of: instanceUID), latencies: (holderLatencies, environment.monotonicClock))
        let failures = try reader.get(address, length: length, into: &sink)
        for failure in failures.prefix(3) {
            log("reading \(instanceUID) from node \(failure.node) failed: \(failure.reason)")
        }
    }

    /// Live members asked after the known holders failed: this node's regional catalog may not know yet of a copy
    /// made a moment ago (anti-entropy spreads holdings within seconds), so the nearest others are asked too.
    static let unknownHolderTries = 4

    /// The live holders of `instanceUID` other than this node, nearest first; then the nearest other live members.
    func rankedHolders(of instanceUID: String) throws -> [(node: NodeID, peer: any ReplicaPeer)] {
        let holders = Set(try catalog.regionalHolders(of: instanceUID))
        let live = membership.memberRows.filter { $0.nodeID != nodeID && $0.status.isActive }.sorted {
            ($0.status == .alive ? 0 : 1, $0.rttMilliseconds ?? .infinity, $0.nodeID.rawValue)
                < ($1.status == .alive ? 0 : 1, $1.rttMilliseconds ?? .infinity, $1.nodeID.rawValue)
        }
        let known = live.filter { holders.contains($0.nodeID) }
        let others = live.filter { !holders.contains($0.nodeID) }.prefix(Self.unknownHolderTries)
        return (known + others).compactMap { row in peer(for: row.metadata).map { (row.nodeID, $0) } }
    }
}
