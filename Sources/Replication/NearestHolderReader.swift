// Reading an instance this node does not hold (DESIGN.md, "Reads"): its manifest and then its chunks by address
// from the live holders, nearest first by estimated round trip; each chunk's SHA-256 is checked before a byte of it
// reaches the sink, and a holder that fails or answers wrong is left for the next one, from the chunk it failed
// on, so no byte is written twice or out of order. Blocking: runs on the request's owned thread.
import Coding
import ObjectStore
public import Primitives

/// Streams objects from other holders.
public struct NearestHolderReader: Sendable {
    /// The holders to try, best first, with how to reach each.
    public let holders: [(node: NodeID, peer: any ReplicaPeer)]

    /// A reader over `holders`, already ranked (nearest first).
    public init(holders: [(node: NodeID, peer: any ReplicaPeer)]) { self.holders = holders }

    /// Writes the object at `address`, `length` bytes long, into `sink`; returns the holders that failed, each
    /// with why. Throws `ReplicaError(.unavailable)` naming every holder's failure when none could serve it, or
    /// the sink's error.
    @discardableResult
    public func get(_ address: ChunkAddress, length: UInt64, into sink: inout some ByteSink) throws
        -> [(node: NodeID, reason: String)]
    {
        var failures: [(node: NodeID, reason: String)] = []
        var holder = 0
        var manifest: Manifest?
        while manifest == nil {
            guard holder < holders.count else { throw Self.exhausted(address, failures) }
            do {
                manifest = try Self.manifest(from: holders[holder].peer, address: address, length: length)
            } catch {
                failures.append((holders[holder].node, "\(error)"))
                holder += 1
            }
        }
        for entry in manifest!.entries {
            var bytes: [UInt8]?
            while bytes == nil {
                guard holder < holders.count else { throw Self.exhausted(address, failures) }
                do {
                    let fetched = try holders[holder].peer.chunk(address: entry.address, length: Int(entry.length))
                    guard fetched.count == Int(entry.length), SHA256.hash(fetched) == entry.address else {
                        throw ReplicaError(.corrupt, "chunk \(entry.address) arrived with other bytes")
                    }
                    bytes = fetched
                } catch {
                    failures.append((holders[holder].node, "\(error)"))
                    holder += 1
                }
            }
            try bytes!.withUnsafeBytes { try sink.write($0) }
        }
        return failures
    }

    /// The manifest of `address` from `peer`, checked against the address and the catalogued length.
    static func manifest(from peer: any ReplicaPeer, address: ChunkAddress, length: UInt64) throws -> Manifest {
        let bytes = try peer.manifest(address: address)
        guard SHA256.hash(bytes) == address, let manifest = Manifest.decode(bytes) else {
            throw ReplicaError(.corrupt, "the manifest sent is not the one at \(address)")
        }
        guard manifest.length == length else {
            throw ReplicaError(
                .inconsistent, "the object at \(address) has \(manifest.length) bytes, catalogued with \(length)")
        }
        return manifest
    }

    static func exhausted(_ address: ChunkAddress, _ failures: [(node: NodeID, reason: String)]) -> ReplicaError {
        let detail =
            failures.isEmpty
            ? "no live holder"
            : failures.map { "node \($0.node): \($0.reason)" }
                .joined(separator: "; ")
        return ReplicaError(.unavailable, "no holder could serve object \(address) (\(detail))")
    }
}
