// Where WADO-RS reads an instance this node catalogues but does not hold (a study stored at another site): the
// nearest live holder, every chunk checked before it is served. The node provides it once it is in a region; a
// lone node has none, and an instance it does not hold is then an error, never a silent gap in a response.
public import ObjectStore
public import Primitives

/// One object to read from other holders: its manifest's address, its instance and its catalogued length.
public struct RemoteObject: Sendable, Equatable {
    public let address: ChunkAddress
    public let instanceUID: String
    public let length: UInt64

    public init(address: ChunkAddress, instanceUID: String, length: UInt64) {
        self.address = address
        self.instanceUID = instanceUID
        self.length = length
    }
}

/// Objects held by other nodes of the region.
public protocol RemoteObjects: Sendable {
    /// Writes the object at `address`, of instance `instanceUID` and `length` bytes, from another holder into
    /// `sink`, verified chunk by chunk. Throws when no holder could serve it.
    func get(_ address: ChunkAddress, instanceUID: String, length: UInt64, into sink: inout some ByteSink) throws
    /// Writes `objects` into `sink` one after another (as a multi-object read of the store does), each verified chunk
    /// by chunk, streamed so that a holder sends the next while this node forwards the last. Throws when no holder
    /// could serve one.
    func get(_ objects: [RemoteObject], into sink: inout some ObjectSequenceSink) throws
    /// The DICOM JSON header of an instance another holder has.
    func metadata(studyUID: String, instanceUID: String) throws -> [UInt8]
}
