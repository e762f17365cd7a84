// Sends a stored instance as a C-STORE sub-operation's message: the store hands its Part-10 file over chunk by chunk;
// the preamble and file meta group are read (to find where the data set starts) and dropped, the C-STORE-RQ goes out
// with the first data set bytes, and the data set follows in fragments the peer accepts. Nothing is held whole.
import DICOM
import DIMSE
import Primitives

/// A ByteSink that turns a stored Part-10 file into a C-STORE-RQ and its data set on one association.
struct StoredDataSetSender: ByteSink {
    /// The stored file's head was not a Part-10 file meta group in the expected syntax.
    struct BadHead: Error, CustomStringConvertible {
        let description: String
    }

    let connection: AssociationConnection
    let command: CommandSet
    let contextID: UInt8
    /// The transfer syntax of the context: the stored file must be in it.
    let transferSyntaxUID: String
    private var fragmenter: MessageFragmenter
    private var reader = Part10Reader()
    /// The file's first bytes, kept until the data set's start is known.
    private var head: [UInt8] = []
    /// Whether the command has gone out (then a failure can only abort the association).
    private(set) var isCommandSent = false

    /// The most bytes a file meta group (with preamble) may take before the data set must have started.
    static let headBytesMax = 64 << 10

    init(connection: AssociationConnection, command: CommandSet, contextID: UInt8, transferSyntaxUID: String) {
        self.connection = connection
        self.command = command
        self.contextID = contextID
        self.transferSyntaxUID = transferSyntaxUID
        fragmenter = MessageFragmenter(
            contextID: contextID, isCommand: false, fragmentBytesMax: connection.fragmentBytesMax)
    }

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        if isCommandSent { return send(buffer) }
        head.append(contentsOf: buffer)
        try reader.feed(buffer)
        guard let meta = reader.meta else {
            guard head.count <= Self.headBytesMax else {
                throw BadHead(description: "no data set starts in the first \(Self.headBytesMax) bytes")
            }
            return
        }
        guard meta.transferSyntaxUID == transferSyntaxUID else {
            throw BadHead(
                description: "the stored file is in \(meta.transferSyntaxUID ?? "no transfer syntax"), "
                    + "not the context's \(transferSyntaxUID)")
        }
        connection.sendCommand(command, contextID: contextID)
        isCommandSent = true
        let start = Int(meta.dataSetOffset)
        head.withUnsafeBytes { send(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        head = []
    }

    /// Sends the last fragment; throws when the file ended before its data set began.
    mutating func finish() throws {
        guard isCommandSent else { throw BadHead(description: "the stored file has no data set") }
        for pdu in fragmenter.finish() { connection.sendData(pdu) }
    }

    private mutating func send(_ bytes: UnsafeRawBufferPointer) {
        for pdu in fragmenter.append(bytes) { connection.sendData(pdu) }
    }
}
