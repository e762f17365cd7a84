// One instance still to be sent to one node: a row of the replication outbox. It ends when the target has
// acknowledged a commit of the instance; until then it is retried with back-off, and it survives restarts.
public import Primitives

/// An instance one target still lacks.
public struct OutboxEntry: Sendable, Hashable {
    /// The instance's SOP Instance UID.
    public let instanceUID: String
    /// The node to send it to.
    public let target: NodeID
    /// Its study (placement is by study).
    public let studyInstanceUID: String
    /// The address of its manifest: what is offered.
    public let manifestAddress: ChunkAddress
    /// Its length in bytes.
    public let lengthBytes: Int64
    /// When it was enqueued, in wall-clock milliseconds: replication lag is now minus this.
    public let enqueuedMilliseconds: Int64
    /// How many attempts have failed.
    public let attempts: Int
    /// When it is next due, in wall-clock milliseconds.
    public let dueMilliseconds: Int64
    /// Why the last attempt failed ("" if none has).
    public let lastError: String

    /// Makes an entry.
    public init(
        instanceUID: String, target: NodeID, studyInstanceUID: String, manifestAddress: ChunkAddress,
        lengthBytes: Int64, enqueuedMilliseconds: Int64, attempts: Int, dueMilliseconds: Int64, lastError: String
    ) {
        self.instanceUID = instanceUID
        self.target = target
        self.studyInstanceUID = studyInstanceUID
        self.manifestAddress = manifestAddress
        self.lengthBytes = lengthBytes
        self.enqueuedMilliseconds = enqueuedMilliseconds
        self.attempts = attempts
        self.dueMilliseconds = dueMilliseconds
        self.lastError = lastError
    }
}
