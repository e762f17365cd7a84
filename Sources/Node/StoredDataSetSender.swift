// Sends a stored instance as a C-STORE sub-operation's message: the store hands its Part-10 file over chunk by chunk;
// the preamble and file meta group are read (to find where the data set starts) and dropped, the C-STORE-RQ goes out
// with the first data set bytes, and the data set follows in fragments the peer accepts, transcoded when the
// context is in another native syntax. Nothing is held whole.
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
    /// The transfer syntax the instance is stored in: the stored file's meta group must name it.
    let storedSyntaxUID: String
    private var fragmenter: MessageFragmenter
    /// Rewrites the data set when the context's syntax is another native one.
    private var transcoder: DataSetTranscoder?
    private var transcoded: [UInt8] = []
    private var splitter = Part10HeadSplitter()
    /// Whether the command has gone out (then a failure can only abort the association).
    private(set) var isCommandSent = false

    /// A sender of an instance stored in `storedSyntaxUID` on a context in `contextSyntaxUID`: the same, or both
    /// native (then the data set is transcoded as it goes).
    init(
        connection: AssociationConnection, command: CommandSet, contextID: UInt8, storedSyntaxUID: String,
        contextSyntaxUID: String
    ) {
        self.connection = connection
        self.command = command
        self.contextID = contextID
        self.storedSyntaxUID = storedSyntaxUID
        if storedSyntaxUID != contextSyntaxUID, let source = TransferSyntax(uid: storedSyntaxUID),
            let target = TransferSyntax(uid: contextSyntaxUID)
        {
            transcoder = DataSetTranscoder(from: source, to: target)
        }
        fragmenter = MessageFragmenter(
            contextID: contextID, isCommand: false, fragmentBytesMax: connection.fragmentBytesMax)
    }

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws {
        if isCommandSent { return try send(buffer) }
        var dataSet: [UInt8] = []
        try splitter.take(buffer) { dataSet.append(contentsOf: $0) }
        guard let meta = splitter.meta else { return }
        guard meta.transferSyntaxUID == storedSyntaxUID else {
            throw BadHead(
                description: "the stored file is in \(meta.transferSyntaxUID ?? "no transfer syntax"), "
                    + "not the catalogued \(storedSyntaxUID)")
        }
        connection.sendCommand(command, contextID: contextID)
        isCommandSent = true
        try dataSet.withUnsafeBytes { try send($0) }
    }

    /// Sends the last fragment; throws when the file ended before its data set began, or inside an element.
    mutating func finish() throws {
        guard isCommandSent else { throw BadHead(description: "the stored file has no data set") }
        if transcoder != nil {
            try transcoder?.finish(into: &transcoded)
            for pdu in fragmenter.append(transcoded) { connection.sendData(pdu) }
        }
        for pdu in fragmenter.finish() { connection.sendData(pdu) }
    }

    private mutating func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard transcoder != nil else {
            for pdu in fragmenter.append(bytes) { connection.sendData(pdu) }
            return
        }
        transcoded.removeAll(keepingCapacity: true)
        try transcoder?.feed(bytes, into: &transcoded)
        for pdu in fragmenter.append(transcoded) { connection.sendData(pdu) }
        transcoded.removeAll(keepingCapacity: true)
    }
}
