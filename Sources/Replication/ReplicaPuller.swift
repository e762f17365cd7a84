// A node fetching an instance placement assigns it (repair, a new holder, a node back from a partition), or the
// chunks of its own copy it lost: the manifest from a live holder, this node's own answer of what it lacks, and
// then exactly those chunks, streamed into the same receiving path a pushed transfer takes (every check of it: the
// manifest against its address, each chunk against its own, the instance row against both).
public import Catalog
import Coding
import ObjectStore
public import Primitives

/// Pulls instances from other holders into this node.
public struct ReplicaPuller: Sendable {
    /// Where pulled instances are stored and catalogued.
    public let receiver: ReplicaReceiver

    /// A puller storing through `receiver`.
    public init(receiver: ReplicaReceiver) { self.receiver = receiver }

    /// Pulls the instance of `row` (a live instance row) from the first of `sources` that serves it; returns the
    /// chunk payload bytes fetched. Throws naming every source's failure when none could.
    public func pull(_ row: RegionalRow, from sources: [(node: NodeID, peer: any ReplicaPeer)]) throws -> Int {
        let record: RegionalInstanceRecord
        do { record = try RegionalInstanceRecord.decode(row.payload) } catch {
            throw ReplicaError(.malformed, "the instance row of \(row.key.instanceUID): \(error)")
        }
        var failures: [String] = []
        for (node, peer) in sources {
            do {
                return try pull(row, record: record, from: peer)
            } catch {
                failures.append("node \(node): \(error)")
            }
        }
        let detail = failures.isEmpty ? "none live" : failures.joined(separator: "; ")
        throw ReplicaError(.unavailable, "no holder could serve \(row.key.instanceUID) (\(detail))")
    }

    private func pull(_ row: RegionalRow, record: RegionalInstanceRecord, from peer: any ReplicaPeer) throws -> Int {
        let address = record.manifestAddress
        let manifestBytes = try peer.manifest(address: address)
        let needs = try receiver.answerOffer(address: address, manifestBytes: manifestBytes)
        guard let manifest = Manifest.decode(manifestBytes) else {
            throw ReplicaError(.malformed, "the manifest of \(address) does not decode")
        }
        let study = record.attributes[CatalogTag.studyInstanceUID] ?? ""
        let metadata = (try? peer.metadata(studyUID: study, instanceUID: row.key.instanceUID)) ?? []
        let header = ReplicaHeader(manifest: manifestBytes, instanceRow: row, metadata: metadata, needs: needs)
        let entries = manifest.entries
        var body = ReplicaBodySource(header: header) { position in
            try peer.chunk(address: entries[position].address, length: Int(entries[position].length))
        }
        _ = try receiver.receive(address: address, body: &body)
        return needs.neededPositions.reduce(0) { $0 + Int(manifest.entries[$1].length) }
    }
}
