// One C-STORE sub-operation of a C-GET (on the requestor's own association) or a C-MOVE (on the association to the
// destination): the context the instance can go on, the request with its data set read from the store, and the
// wait for the receiver's response, during which a C-GET's requestor may cancel.
import Catalog
import DICOM
import DICOMweb
import DIMSE
import Primitives

/// How one sub-operation ended.
enum SubOperationOutcome: Equatable {
    /// The receiver answered with this status.
    case answered(UInt16)
    /// The instance was not sent (no context for it, or its bytes could not be read); the association goes on.
    case notSent(String)
    /// The association ended (or had to be aborted) before the receiver answered.
    case associationEnded
}

extension AssociationConnection {
    /// The accepted storage context a stored instance can go on: its SOP class, in its stored transfer syntax or,
    /// failing that, another native one it can be transcoded to; and, when the peer is the requestor (C-GET), the
    /// SCP role granted for the class.
    func storageContext(for stored: CatalogStoredInstance) -> (id: UInt8, transferSyntaxUID: String)? {
        if !core.isRequestor && !requestorSCPClasses.contains(stored.sopClassUID) { return nil }
        let candidates = contexts.keys.sorted().compactMap { id in
            contexts[id].flatMap { $0.abstractSyntax == stored.sopClassUID ? (id, $0.transferSyntax) : nil }
        }
        if let exact = candidates.first(where: { $0.1 == stored.record.transferSyntaxUID }) { return exact }
        guard let source = TransferSyntax(uid: stored.record.transferSyntaxUID) else { return nil }
        return candidates.first { candidate in
            TransferSyntax(uid: candidate.1).map { DataSetTranscoder.canTranscode(from: source, to: $0) } ?? false
        }
    }

    /// Sends `stored` as C-STORE-RQ `messageID` and waits for its response. A C-CANCEL-RQ for `cancellableID` that
    /// arrives meanwhile sets `isCancelled`; anything else out of turn aborts the association.
    func storeSubOperation(
        _ stored: CatalogStoredInstance, messageID: UInt16, originator: (title: AETitle, messageID: UInt16)?,
        cancellableID: UInt16?, isCancelled: inout Bool
    ) -> SubOperationOutcome {
        guard let (contextID, syntax) = storageContext(for: stored) else {
            let role = core.isRequestor ? "" : " with the SCP role for it"
            return .notSent(
                "no accepted context\(role) for \(stored.sopClassUID) in \(stored.record.transferSyntaxUID)")
        }
        var command = CommandSet(field: .cStoreRequest, hasDataSet: true)
        command.messageID = messageID
        command.affectedSOPClassUID = stored.sopClassUID
        command.affectedSOPInstanceUID = stored.sopInstanceUID
        command.priority = 0
        command.moveOriginatorAETitle = originator?.title
        command.moveOriginatorMessageID = originator?.messageID
        var sender = StoredDataSetSender(
            connection: self, command: command, contextID: contextID,
            storedSyntaxUID: stored.record.transferSyntaxUID, contextSyntaxUID: syntax)
        do {
            try context.dicomWeb.readInstance(stored, into: &sender)
            try sender.finish()
        } catch {
            context.log("C-STORE of \(stored.sopInstanceUID) \(peerName) could not be sent: \(error)")
            guard sender.isCommandSent else { return .notSent("it could not be read: \(error)") }
            // Half a data set is out: the message cannot be ended cleanly.
            perform(core.handle(.userAborted, now: context.clock.now()))
            return .associationEnded
        }
        return awaitStoreResponse(messageID, cancellableID: cancellableID, isCancelled: &isCancelled)
    }

    /// Reads messages until the C-STORE-RSP to `messageID`.
    private func awaitStoreResponse(
        _ messageID: UInt16, cancellableID: UInt16?, isCancelled: inout Bool
    ) -> SubOperationOutcome {
        while let part = try? nextPart() {
            guard case .command(let command, _) = part else { continue }
            if command.field == .cStoreResponse && command.respondedMessageID == messageID {
                return .answered(command.status ?? DIMSEStatus.processingFailure)
            }
            if command.field == .cCancelRequest, let cancellableID, command.respondedMessageID == cancellableID {
                isCancelled = true
                continue
            }
            let error = DIMSEError(
                .invalidCommand, "\(command.field.name) arrived while a C-STORE sub-operation awaited its response")
            context.log("DIMSE association \(peerName) aborted: \(error.message)")
            perform(core.handle(.receivedInvalid(error), now: context.clock.now()))
            return .associationEnded
        }
        return .associationEnded
    }
}
