// C-GET and C-MOVE (PS3.4 C.4.2, C.4.3) at every level of Patient Root and Study Root: the identifier names stored
// instances, each goes out as a C-STORE sub-operation (on this association for C-GET, on a second one to the
// configured destination for C-MOVE), a pending response after each counts what remains, and the final response
// carries the tally and the instances that failed. C-CANCEL stops before the next sub-operation.
import Catalog
import DICOM
import DIMSE
import Primitives

extension AssociationConnection {
    /// Answers a C-GET-RQ or C-MOVE-RQ on `contextID`.
    func retrieve(_ command: CommandSet, contextID: UInt8) throws {
        let isMove = command.field == .cMoveRequest
        var response = CommandSet(field: isMove ? .cMoveResponse : .cGetResponse, hasDataSet: false)
        response.respondedMessageID = command.messageID
        response.affectedSOPClassUID = command.affectedSOPClassUID
        func refuse(_ status: UInt16, _ comment: String) {
            context.log("\(command.field.name) from \(callerName) refused: \(comment)")
            response.status = status
            response.errorComment = String(comment.utf8.prefix(CommandSet.errorCommentBytesMax)) ?? ""
            send(response, contextID: contextID)
        }
        guard let negotiated = contexts[contextID], let syntax = TransferSyntax(uid: negotiated.transferSyntax),
            let model = Self.retrieveModel(ServiceClass(abstractSyntax: negotiated.abstractSyntax), isMove: isMove)
        else {
            _ = try readDataSet(bytesMax: 0)
            return refuse(DIMSEStatus.sopClassNotSupported, "context \(contextID) is not a \(command.field.name) one")
        }
        guard let bytes = try readDataSet(bytesMax: QueryIdentifier.bytesMax) else {
            return refuse(
                DIMSEStatus.unableToProcess, "the identifier is longer than \(QueryIdentifier.bytesMax) bytes")
        }
        var destination: (title: AETitle, peer: NodeConfiguration.DIMSESettings.Peer)?
        if isMove {
            guard let title = command.moveDestination, let peer = context.settings.peer(title) else {
                let name = command.moveDestination?.value ?? ""
                return refuse(DIMSEStatus.moveDestinationUnknown, "move destination '\(name)' is not in dimse.peers")
            }
            destination = (title, peer)
        }
        let instances: [CatalogStoredInstance]
        do {
            let identifier = try QueryIdentifier.decode(bytes, transferSyntax: syntax, model: model)
            instances = try retrieveInstances(identifier)
        } catch let error as DIMSEError {
            return refuse(DIMSEStatus.dataSetDoesNotMatchSOPClass, error.message)
        } catch let error as RetrieveTooLarge {
            return refuse(DIMSEStatus.outOfResourcesCalculatingMatches, error.description)
        } catch {
            context.log("\(command.field.name) from \(callerName) failed: \(error)")
            return refuse(DIMSEStatus.unableToProcess, "the instances could not be looked up")
        }
        var counts = SubOperationCounts(total: instances.count)
        var target = self
        if let destination, !instances.isEmpty {
            do {
                target = try AssociationConnection.open(
                    to: destination.peer, calledAETitle: destination.title,
                    proposals: Self.storageProposals(for: instances), context: context)
            } catch {
                context.log("C-MOVE from \(callerName) to \(destination.title.value): \(error)")
                counts.failRemaining(instanceUIDs: instances.map(\.sopInstanceUID))
                return sendFinal(&response, counts, contextID: contextID, syntax: syntax)
            }
        }
        defer { if target !== self { target.releaseAndClose() } }
        var isCancelRequested = false
        for (index, stored) in instances.enumerated() {
            isCancelRequested = try isCancelRequested || isCancelled(command.messageID)
            if isCancelRequested || core.state != .established {
                response.status = DIMSEStatus.cancel
                return sendFinal(&response, counts, contextID: contextID, syntax: syntax)
            }
            let outcome = target.storeSubOperation(
                stored, messageID: target.takeMessageID(),
                originator: isMove ? callingAETitle.map { ($0, command.messageID ?? 0) } : nil,
                cancellableID: isMove ? nil : command.messageID, isCancelled: &isCancelRequested)
            switch outcome {
            case .answered(let status): counts.record(status: status, instanceUID: stored.sopInstanceUID)
            case .notSent(let reason):
                context.log("\(command.field.name) of \(stored.sopInstanceUID) \(target.peerName) failed: \(reason)")
                counts.recordFailure(instanceUID: stored.sopInstanceUID)
            case .associationEnded:
                // No later sub-operation can go: on C-GET the requestor's association is gone, so nothing is sent.
                guard target !== self else { return }
                counts.failRemaining(instanceUIDs: instances[index...].map(\.sopInstanceUID))
            }
            guard counts.remaining > 0 else { break }
            var pending = response
            pending.status = DIMSEStatus.pending
            counts.apply(to: &pending, includingRemaining: true)
            send(pending, contextID: contextID)
        }
        sendFinal(&response, counts, contextID: contextID, syntax: syntax)
    }

    /// The information model of a C-GET (or C-MOVE) context, or nil when the context is for another service.
    private static func retrieveModel(_ service: ServiceClass?, isMove: Bool) -> ServiceClass.QueryModel? {
        switch service {
        case .get(let model) where !isMove: model
        case .move(let model) where isMove: model
        default: nil
        }
    }

    /// Sends the final response: its status (the counts' unless already set to cancel), the counts, and the failed
    /// instances' UIDs, as many as one UI value holds.
    private func sendFinal(
        _ response: inout CommandSet, _ counts: SubOperationCounts, contextID: UInt8, syntax: TransferSyntax
    ) {
        let isCancel = response.status == DIMSEStatus.cancel
        if !isCancel { response.status = counts.finalStatus }
        counts.apply(to: &response, includingRemaining: isCancel)
        guard !counts.failedInstanceUIDs.isEmpty else { return send(response, contextID: contextID) }
        var uids: [String] = []
        var length = 0
        for uid in counts.failedInstanceUIDs where length + uid.utf8.count + 1 <= Self.uidListBytesMax {
            uids.append(uid)
            length += uid.utf8.count + 1
        }
        response.hasDataSet = true
        let list = DataSet([DataElement(tag: .failedSOPInstanceUIDList, vr: .UI, texts: uids)])
        send(response, contextID: contextID, dataSet: Part10Writer.dataSetBytes(list, transferSyntax: syntax))
    }

    /// The longest UI value an explicit VR syntax can carry (a 16-bit length).
    private static let uidListBytesMax = 65_534

    /// One context per stored SOP class and transfer syntax, at most 128 (PS3.8: odd identifiers 1 to 255): the
    /// stored syntax first and, for a native one, the other native syntaxes the data set can be transcoded to.
    static func storageProposals(for instances: [CatalogStoredInstance]) -> [PresentationContextProposal] {
        let native = [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian]
        var seen = Set<[String]>()
        var proposals: [PresentationContextProposal] = []
        for stored in instances where proposals.count < 128 {
            let pair = [stored.sopClassUID, stored.record.transferSyntaxUID]
            guard seen.insert(pair).inserted else { continue }
            let alternatives =
                native.contains { $0.uid == pair[1] } ? native.map(\.uid).filter { $0 != pair[1] } : []
            proposals.append(
                PresentationContextProposal(
                    id: UInt8(proposals.count * 2 + 1), abstractSyntax: pair[0],
                    transferSyntaxes: [pair[1]] + alternatives))
        }
        return proposals
    }

    /// A new Message ID for a request this side sends.
    func takeMessageID() -> UInt16 {
        lastMessageID &+= 1
        if lastMessageID == 0 { lastMessageID = 1 }
        return lastMessageID
    }
}
