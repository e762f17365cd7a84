// What one node asks another over the internal API: replica offers and transfers, and the anti-entropy exchange of
// digests and rows. A protocol so the sender and the anti-entropy driver run the same against a peer over HTTP (the
// node's) and against one in-process (tests, the simulator).
public import Catalog
public import ObjectStore
public import Primitives

/// Another node of the region, as the replication and anti-entropy code call it. Calls block.
public protocol ReplicaPeer: Sendable {
    /// Offers up to `ReplicaBatch.countMax` instances, each by its address and manifest bytes; one outcome per offer,
    /// in order: which of its chunks to send, or why the peer refused it.
    func offer(_ offers: [(address: ChunkAddress, manifest: [UInt8])]) throws -> [Result<ChunkNeeds, ReplicaError>]
    /// Sends a batch of `count` transfers (`ReplicaBatch`: the heads, then the chunks they name); returns one outcome
    /// per transfer, in order: the peer's holding row of it, or why it refused it. Throws when the batch as a whole
    /// failed (the peer unreachable, the request refused).
    func transfer(batchOf count: Int, body: any ByteSource, bodyLength: Int) throws -> [Result<
        [RegionalRow], ReplicaError
    >]
    /// The peer's digests of the children of `indices` at `level` of its digest tree.
    func digests(level: Int, indices: [Int]) throws -> [RegionalFingerprint]
    /// The peer's rows in `buckets`.
    func rows(inBuckets buckets: [Int]) throws -> [RegionalRow]
    /// The manifest bytes of the object at `address`, as the peer stores them (checked by the caller). With
    /// `answerWithinSeconds`, as for `chunks`.
    func manifest(address: ChunkAddress, answerWithinSeconds: Double?) throws -> [UInt8]
    /// The chunks of `entries` (1 to `ChunkStream.entriesMax`), in order, from one answer read as the caller goes;
    /// each is checked by the caller against its address. With `answerWithinSeconds`, an answer that has not begun
    /// by then is given up (`ReplicaError(.slow)`) so the caller can ask another holder.
    func chunks(_ entries: [ManifestEntry], answerWithinSeconds: Double?) throws -> ChunkStream
    /// The objects at `addresses` (1 to `ObjectStream.countMax`), each its manifest then its chunks, in order, from
    /// one answer read as the caller goes (each checked by the caller); an object the peer does not hold is marked
    /// so. With `answerWithinSeconds`, as for `chunks`.
    func objects(_ addresses: [ChunkAddress], answerWithinSeconds: Double?) throws -> ObjectStream
    /// The DICOM JSON header of instance `instanceUID` of study `studyUID`.
    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8]
}
