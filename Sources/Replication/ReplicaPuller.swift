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

    /// Pulls the instances of `rows` from `source` into one batch with one commit; one outcome per row (the chunk
    /// payload bytes fetched, or why it failed), so a caller retries only the failures, one by one.
    public func pullAll(_ rows: [RegionalRow], from source: any ReplicaPeer) -> [Result<Int, any Error>] {
        var outcomes = [Result<Int, any Error>?](repeating: nil, count: rows.count)
        var transfers:
            [(index: Int, bytes: Int, transfer: (address: ChunkAddress, header: ReplicaHeader, body: any ByteSource))] =
                []
        for (index, row) in rows.enumerated() {
            do {
                let record = try RegionalInstanceRecord.decode(row.payload)
                let (header, body, bytes) = try prepareTransfer(row, record: record, from: source)
                transfers.append((index, bytes, (record.manifestAddress, header, body)))
            } catch {
                outcomes[index] = .failure(error)
            }
        }
        for (offset, outcome) in receiver.receiveAll(transfers.map(\.transfer)).enumerated() {
            let index = transfers[offset].index
            switch outcome {
            case .success: outcomes[index] = .success(transfers[offset].bytes)
            case .failure(let error): outcomes[index] = .failure(error)
            }
        }
        return outcomes.map { $0 ?? .failure(ReplicaError(.unavailable, "no outcome")) }
    }

    /// The header and lazily fetched body of a transfer of `row` from `peer`, and the chunk bytes it will fetch.
    private func prepareTransfer(_ row: RegionalRow, record: RegionalInstanceRecord, from peer: any ReplicaPeer) throws
        -> (ReplicaHeader, ReplicaBodySource, Int)
    {
        let address = record.manifestAddress
        let manifestBytes = try peer.manifest(address: address, answerWithinSeconds: nil)
        let needs = try receiver.answerOffer(address: address, manifestBytes: manifestBytes)
        guard let manifest = Manifest.decode(manifestBytes) else {
            throw ReplicaError(.malformed, "the manifest of \(address) does not decode")
        }
        let study = record.attributes[CatalogTag.studyInstanceUID] ?? ""
        let metadata = (try? peer.metadata(studyUID: study, instanceUID: row.key.instanceUID)) ?? []
        let header = ReplicaHeader(manifest: manifestBytes, instanceRow: row, metadata: metadata, needs: needs)
        let entries = manifest.entries
        let needed = needs.neededPositions.map { entries[$0] }
        let chunks = ChunkBatches(peer: peer, entries: needed)
        let body = ReplicaBodySource(chunkCount: needed.count) { index in
            guard let bytes = try chunks.next() else {
                throw ReplicaError(
                    .unavailable, "the holder's answer ended before chunk \(index + 1) of \(needed.count)")
            }
            return bytes
        }
        return (header, body, needed.reduce(0) { $0 + Int($1.length) })
    }

    private func pull(_ row: RegionalRow, record: RegionalInstanceRecord, from peer: any ReplicaPeer) throws -> Int {
        let (header, body, bytes) = try prepareTransfer(row, record: record, from: peer)
        _ = try receiver.receiveAll([(record.manifestAddress, header, body)])[0].get()
        return bytes
    }
}
