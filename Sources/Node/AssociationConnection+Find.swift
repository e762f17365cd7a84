// C-FIND (PS3.4 C.4.1) at every level of Patient Root and Study Root, from the catalog: the identifier's keys with
// values become catalog filters where the catalog indexes them, every key comes back in each match's response
// (empty when the catalog does not hold it), and C-CANCEL stops the pending responses.
import Catalog
import DICOM
import DIMSE
import Posix
import Primitives

extension AssociationConnection {
    /// Answers a C-FIND-RQ on `contextID`: one pending response per match, then the final status.
    func find(_ command: CommandSet, contextID: UInt8) throws {
        var final = CommandSet(field: .cFindResponse, hasDataSet: false)
        final.respondedMessageID = command.messageID
        final.affectedSOPClassUID = command.affectedSOPClassUID
        func answer(_ status: UInt16, _ comment: String?) {
            final.status = status
            final.errorComment = comment.map { String($0.utf8.prefix(CommandSet.errorCommentBytesMax)) ?? "" }
            send(final, contextID: contextID)
        }
        guard let negotiated = contexts[contextID],
            case .find(let model) = ServiceClass(abstractSyntax: negotiated.abstractSyntax),
            let syntax = TransferSyntax(uid: negotiated.transferSyntax)
        else {
            _ = try readDataSet(bytesMax: 0)
            return answer(DIMSEStatus.sopClassNotSupported, "context \(contextID) is not a C-FIND context")
        }
        guard let bytes = try readDataSet(bytesMax: QueryIdentifier.bytesMax) else {
            return answer(
                DIMSEStatus.unableToProcess, "the identifier is longer than \(QueryIdentifier.bytesMax) bytes")
        }
        let identifier: QueryIdentifier
        do {
            identifier = try QueryIdentifier.decode(bytes, transferSyntax: syntax, model: model)
        } catch {
            return answer(DIMSEStatus.dataSetDoesNotMatchSOPClass, error.message)
        }
        let matches: [CatalogMatch]
        do {
            matches = try findMatches(identifier)
        } catch {
            context.log("C-FIND from \(callerName) failed: \(error)")
            return answer(DIMSEStatus.unableToProcess, "the query could not be run: \(error.message)")
        }
        let limit = context.settings.findMatchCountMax
        for match in matches.prefix(limit) {
            if try isCancelled(command.messageID) {
                return answer(DIMSEStatus.cancel, nil)
            }
            var pending = CommandSet(field: .cFindResponse, hasDataSet: true)
            pending.respondedMessageID = command.messageID
            pending.affectedSOPClassUID = command.affectedSOPClassUID
            pending.status = DIMSEStatus.pending
            let keys = Self.responseIdentifier(match, identifier, aeTitle: context.policy.aeTitle)
            send(pending, contextID: contextID, dataSet: Part10Writer.dataSetBytes(keys, transferSyntax: syntax))
        }
        guard matches.count <= limit else {
            return answer(
                DIMSEStatus.outOfResources, "more than \(limit) matches; the first \(limit) were sent")
        }
        answer(DIMSEStatus.success, nil)
    }

    /// The catalog's matches for `identifier`: filters from the keys with values the catalog indexes at the level;
    /// at PATIENT level, one study match per patient.
    func findMatches(_ identifier: QueryIdentifier) throws(CatalogError) -> [CatalogMatch] {
        let level: CatalogLevel =
            switch identifier.level {
            case .patient, .study: .study
            case .series: .series
            case .image: .instance
            }
        var filters: [(tag: UInt32, value: String)] = []
        for key in identifier.keys.elements where key.tag.group > 0x0002 && key.tag != .specificCharacterSet {
            guard let value = identifier.keys.valueString(key.tag), !value.isEmpty,
                Catalog.canMatch(tag: key.tag.rawValue, at: level)
            else { continue }
            guard filters.count < CatalogQuery.filterCountMax else {
                throw CatalogError(
                    .badQuery, "the identifier has more than \(CatalogQuery.filterCountMax) keys to match")
            }
            filters.append((key.tag.rawValue, value))
        }
        let isPatientLevel = identifier.level == .patient
        let limit =
            isPatientLevel ? CatalogQuery.limitMax : min(context.settings.findMatchCountMax + 1, CatalogQuery.limitMax)
        let matches = try context.catalog.query(CatalogQuery(level: level, filters: filters, limit: limit))
        guard isPatientLevel else { return matches }
        var seen = Set<String>()
        return matches.filter { match in
            let patient = [DICOMTag.patientID, .issuerOfPatientID].map { match.attributes[$0.rawValue] ?? "" }
            return seen.insert(patient.joined(separator: "\\")).inserted
        }
    }

    /// A response identifier: the level, and every key of the request with the match's value (PS3.4 C.4.1.1.3.2).
    static func responseIdentifier(_ match: CatalogMatch, _ identifier: QueryIdentifier, aeTitle: AETitle) -> DataSet {
        var elements = [DataElement(tag: .queryRetrieveLevel, vr: .CS, text: identifier.level.rawValue)]
        var isASCII = true
        for key in identifier.keys.elements where key.tag.group > 0x0002 && key.tag != .specificCharacterSet {
            if key.vr == .SQ {
                elements.append(DataElement(tag: key.tag, items: []))
                continue
            }
            let vr = key.vr == .UN ? DataDictionary.vr(for: key.tag) : key.vr
            let value = key.tag == .retrieveAETitle ? aeTitle.value : match.attributes[key.tag.rawValue] ?? ""
            isASCII = isASCII && value.utf8.allSatisfy { $0 < 0x80 }
            switch vr {
            case .US, .SS:
                elements.append(DataElement(tag: key.tag, vr: vr, integers: UInt16(value).map { [$0] } ?? []))
            case .UL, .SL:
                elements.append(DataElement(tag: key.tag, vr: vr, integers: UInt32(value).map { [$0] } ?? []))
            default: elements.append(DataElement(tag: key.tag, vr: vr, text: value))
            }
        }
        if !isASCII { elements.append(DataElement(tag: .specificCharacterSet, vr: .CS, text: "ISO_IR 192")) }
        return DataSet(elements)
    }

    /// The data set of the current command, gathered whole when at most `bytesMax` bytes, else read to its end
    /// and dropped (nil).
    func readDataSet(bytesMax: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        var isTooLong = false
        while true {
            guard let part = try nextPart(), case .dataSet(let fragment, _, let isLast) = part else {
                throw AssociationDataSetSource.Ended()
            }
            if !isTooLong {
                bytes += fragment
                isTooLong = bytes.count > bytesMax
            }
            if isLast { return isTooLong ? nil : bytes }
        }
    }

    /// Whether the peer cancelled operation `messageID` (or the association ended) since the last look; anything
    /// but a C-CANCEL in the middle of an operation breaks PS3.7 (one operation at a time) and aborts.
    func isCancelled(_ messageID: UInt16?) throws -> Bool {
        let isReadable = try hasQueuedParts || socket.waitUntilReadable(deadline: context.clock.now())
        guard isReadable else { return false }
        guard let part = try nextPart() else { return true }
        if case .command(let command, _) = part, command.field == .cCancelRequest {
            return command.respondedMessageID == messageID
        }
        let error = DIMSEError(.invalidCommand, "a message arrived in the middle of an operation")
        perform(core.handle(.receivedInvalid(error), now: context.clock.now()))
        return true
    }
}
