// The C-services an association serves (PS3.4 Annexes A, B, C): verification, storage, and query (its own file).
// on its own context; a data set the service does not want is read to its end, so the next command is in order.
import DICOM
import DICOMweb
import DIMSE
import Primitives

extension AssociationConnection {
    /// Serves one message part.
    func serve(_ part: MessagePart) throws {
        switch part {
        case .dataSet:
            // The data set of a command answered without it (refused before it was read): skipped to its end.
            break
        case .command(let command, let contextID):
            operationCount += 1
            guard operationCount <= context.settings.operationsPerAssociationMax else {
                context.log(
                    "DIMSE association from \(callerName) aborted: more than "
                        + "\(context.settings.operationsPerAssociationMax) operations")
                perform(core.handle(.userAborted, now: context.clock.now()))
                return
            }
            switch command.field {
            case .cEchoRequest: answerEcho(command, contextID: contextID)
            case .cStoreRequest: try store(command, contextID: contextID)
            case .cFindRequest: try find(command, contextID: contextID)
            case .cGetRequest, .cMoveRequest: try retrieve(command, contextID: contextID)
            case .cCancelRequest: break  // Nothing is running to cancel: PS3.7 §9.3.2.3 lets it be ignored.
            default:
                // A response, or a service this node does not offer on that context.
                var response = CommandSet(field: Self.responseField(command.field), hasDataSet: false)
                response.respondedMessageID = command.messageID ?? 0
                response.affectedSOPClassUID = command.affectedSOPClassUID
                response.status = DIMSEStatus.sopClassNotSupported
                response.errorComment = "\(command.field.name) is not served on this association"
                if command.field.isResponse {
                    let error = DIMSEError(.invalidCommand, "the peer sent \(command.field.name), answering nothing")
                    perform(core.handle(.receivedInvalid(error), now: context.clock.now()))
                } else {
                    send(response, contextID: contextID)
                }
            }
        }
    }

    /// The response field of a request.
    static func responseField(_ field: CommandField) -> CommandField {
        CommandField(rawValue: field.rawValue | 0x8000) ?? .cEchoResponse
    }

    /// C-ECHO: success (PS3.4 A.4).
    private func answerEcho(_ command: CommandSet, contextID: UInt8) {
        var response = CommandSet(field: .cEchoResponse, hasDataSet: false)
        response.respondedMessageID = command.messageID
        response.affectedSOPClassUID = command.affectedSOPClassUID
        response.status = DIMSEStatus.success
        send(response, contextID: contextID)
    }

    /// C-STORE: the data set streams into the store path STOW-RS uses, behind a file meta group made from the
    /// command and the context's transfer syntax; the answer carries the same rules' outcome (PS3.4 B.2.3).
    private func store(_ command: CommandSet, contextID: UInt8) throws {
        var response = CommandSet(field: .cStoreResponse, hasDataSet: false)
        response.respondedMessageID = command.messageID
        response.affectedSOPClassUID = command.affectedSOPClassUID
        response.affectedSOPInstanceUID = command.affectedSOPInstanceUID
        guard let negotiated = contexts[contextID],
            ServiceClass(abstractSyntax: negotiated.abstractSyntax) == .storage,
            let syntax = TransferSyntax(uid: negotiated.transferSyntax)
        else {
            var source = AssociationDataSetSource(connection: self, head: [])
            try source.drain()
            response.status = DIMSEStatus.sopClassNotSupported
            response.errorComment = "context \(contextID) was not accepted for storage"
            return send(response, contextID: contextID)
        }
        // The head is the same for the same instance whoever sends it, so a re-sent instance is found identical.
        let head =
            [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
            + Part10Writer.metaGroup(
                sopClassUID: command.affectedSOPClassUID ?? "", sopInstanceUID: command.affectedSOPInstanceUID ?? "",
                transferSyntax: syntax)
        var source = AssociationDataSetSource(connection: self, head: head)
        let stored = try context.dicomWeb.storeInstance(from: &source)
        try source.drain()
        (response.status, response.errorComment) = Self.status(of: stored)
        if !stored.isStored {
            context.log(
                "C-STORE of \(command.affectedSOPInstanceUID ?? "?") from \(callerName) refused: "
                    + (stored.comment ?? "no reason"))
        }
        send(response, contextID: contextID)
    }

    /// The C-STORE status and Error Comment for a store outcome: identical re-sends succeed, as archives answer.
    static func status(of stored: StoredPart) -> (UInt16, String?) {
        guard let reason = stored.failureReason else { return (DIMSEStatus.success, nil) }
        let comment = stored.comment.map { String($0.utf8.prefix(CommandSet.errorCommentBytesMax)) ?? "" }
        return (reason, comment)
    }
}

/// A C-STORE's instance as a ByteSource: the file meta head, then the data set's fragments as they arrive.
struct AssociationDataSetSource: ByteSource {
    /// The association ended before the data set did.
    struct Ended: Error, CustomStringConvertible {
        var description: String { "the association ended inside a data set" }
    }

    let connection: AssociationConnection
    private var pending: [UInt8]
    private var offset = 0
    private var isFinished = false

    init(connection: AssociationConnection, head: [UInt8]) {
        self.connection = connection
        pending = head
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == pending.count {
            if isFinished { return 0 }
            try nextFragment()
        }
        let count = min(buffer.count, pending.count - offset)
        pending.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
        }
        offset += count
        return count
    }

    /// Reads and drops what is left of the data set.
    mutating func drain() throws {
        while !isFinished { try nextFragment() }
    }

    private mutating func nextFragment() throws {
        guard let part = try connection.nextPart() else { throw Ended() }
        guard case .dataSet(let bytes, _, let isLast) = part else { throw Ended() }
        pending = bytes
        offset = 0
        isFinished = isLast
    }
}
