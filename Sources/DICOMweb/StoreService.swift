// STOW-RS (PS3.18 §10.5): stores each part of a multipart/related (or single application/dicom) body into the
// object store while the DICOM reader checks it, catalogues what passed, and answers the Store Instances Response
// Module. Part failures go into FailedSOPSequence; broken framing fails the whole request with a 400.
import Catalog
import DICOM
import HTTP
import ObjectStore
import Primitives

/// Answers STOW-RS requests.
struct StoreService {
    let context: ServiceContext

    /// Stores the parts of `body`, addressed to `study` when the path names one.
    func store(
        _ request: HTTPRequestHead, study: String?, body: inout some ByteSource,
        response: inout some HTTPResponseWriter
    ) throws {
        let boundary = try Self.boundary(contentType: request.headers["Content-Type"])
        let ack = try StoreAck.parse(request.queryItems.last { $0.name == "ack" }?.value)
        if ack == .remote && context.remoteCommit == nil {
            throw DICOMwebError(
                .badRequest, "ack=remote needs a node in a region; this node is alone (its config has no 'cluster')")
        }
        let stream = StoreBodyStream(
            body: body, boundary: boundary,
            limits: MultipartLimits(
                partHeadBytesMax: context.configuration.partHeadBytesMax,
                partCountMax: context.configuration.storePartCountMax + 1))
        defer { body = stream.body }
        var outcome = StoreOutcome()
        if let study { outcome.studyRetrieveURL = context.retrieveURL(study: study) }
        var pending: [PendingInstance] = []
        var inserted: [CatalogInsertOutcome]?
        // Every part goes into one batch, committed once at the end (one fdatasync per volume for the request);
        // a request that fails as a whole (framing, limits) leaves the batch uncommitted, so nothing of it is
        // stored. The catalog rows are written once the volumes committed (Catalog.insert(committingIf:)).
        try context.store.withBatch { batch in
            var staged: [(index: Int, header: InstanceHeader)] = []
            while let headers = try stream.nextPart() {
                guard outcome.parts.count < context.configuration.storePartCountMax else {
                    throw DICOMwebError(
                        .payloadTooLarge,
                        "the request has more than \(context.configuration.storePartCountMax) parts; send fewer per "
                            + "request")
                }
                switch try storePart(headers: headers, stream: stream, study: study, batch: batch) {
                case .failed(let part): outcome.parts.append(part)
                case .stored(let header):
                    staged.append((outcome.parts.count, header))
                    outcome.parts.append(StoredPart())
                }
            }
            (pending, inserted) = commitStaged(staged, batch: batch, parts: &outcome.parts)
        }
        guard !outcome.parts.isEmpty else { throw DICOMwebError(.badRequest, "the multipart body has no parts") }
        for (instance, part) in zip(pending, catalogue(pending, inserted: inserted)) {
            outcome.parts[instance.index] = part
        }
        if study == nil {
            let studies = Set(
                pending.filter { outcome.parts[$0.index].retrieveURL != nil }.map(\.header.studyInstanceUID))
            if studies.count == 1, let study = studies.first {
                outcome.studyRetrieveURL = context.retrieveURL(study: study)
            }
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/dicom+json")
        for warning in outcome.patientConflictWarnings { headers.add("Warning", warning) }
        if let remoteCommit = context.remoteCommit,
            ack ?? (remoteCommit.isRemoteByDefault ? .remote : .local) == .remote
        {
            awaitOtherSite(&outcome, remoteCommit: remoteCommit)
            if outcome.parts.contains(where: \.isAwaitingOtherSite) {
                headers.add("Warning", "299 tessera \"stored at this site; not yet confirmed by another site\"")
            }
        }
        try ResponseBody.write(
            Array(outcome.response.encoded().utf8), status: outcome.status, headers: headers, to: &response)
    }

    /// With ack=remote, waits for another site's commit of every stored part; marks those not confirmed in time.
    private func awaitOtherSite(_ outcome: inout StoreOutcome, remoteCommit: any RemoteCommit) {
        let stored = outcome.parts.indices.filter {
            outcome.parts[$0].isStored && outcome.parts[$0].sopInstanceUID != nil
        }
        let confirmed = remoteCommit.confirm(
            instanceUIDs: stored.compactMap { outcome.parts[$0].sopInstanceUID },
            withinSeconds: context.configuration.remoteAckSeconds)
        for index in stored where !confirmed.contains(outcome.parts[index].sopInstanceUID ?? "") {
            outcome.parts[index].isAwaitingOtherSite = true
            let note =
                "stored at this site; no other site confirmed it within "
                + "\(Int(context.configuration.remoteAckSeconds)) s (it is replicated once one can take it)"
            outcome.parts[index].comment = outcome.parts[index].comment.map { $0 + "; " + note } ?? note
        }
    }

    /// A part whose bytes are stored and checked, waiting to be catalogued with the others of its request.
    struct PendingInstance {
        /// Its position in the request.
        let index: Int
        let header: InstanceHeader
        let receipt: PutReceipt
    }

    /// What storing one part gave: a failure to report, or an instance to commit and catalogue.
    enum PartResult {
        case failed(StoredPart)
        case stored(InstanceHeader)
    }

    /// Stores one part; a failure of the part (not of the request) is returned, not thrown.
    private func storePart<Body: ByteSource>(
        headers: HTTPHeaders, stream: StoreBodyStream<Body>, study: String?, batch: PutBatch
    ) throws(DICOMwebError) -> PartResult {
        if let type = headers["Content-Type"] {
            guard let media = try? MediaType.parse(type), media.essence == "application/dicom" else {
                return .failed(
                    StoredPart(
                        failureReason: StoreStatusCode.cannotUnderstand,
                        comment: "the part's Content-Type is \(type); this service stores application/dicom parts"))
            }
        }
        var source = StorePartSource(
            inner: MultipartPartBytes(stream: stream),
            inspector: InstanceInspector(pathPrefix: context.configuration.pathPrefix), expectedStudy: study)
        do {
            try batch.put(from: &source)
        } catch {
            if let framing = source.sourceError {
                throw framing as? DICOMwebError ?? DICOMwebError(.internalFailure, "reading a part failed: \(framing)")
            }
            let header = source.inspector.header
            return .failed(
                failure(
                    header?.sopClassUID ?? source.rejection?.sopClassUID,
                    header?.sopInstanceUID ?? source.rejection?.sopInstanceUID, rejection: source.rejection,
                    error: error))
        }
        guard let header = source.header else {
            throw DICOMwebError(.internalFailure, "the part ended without a checked header")
        }
        return .stored(header)
    }

    /// Commits the objects of the `staged` parts and catalogues them alongside, durable once the volumes are; the
    /// parts whose objects did not commit get their failure in `parts`. Returns the instances to answer for and
    /// the catalog's outcomes (nil when the joint insert was refused, so each is catalogued alone).
    func commitStaged(
        _ staged: [(index: Int, header: InstanceHeader)], batch: PutBatch, parts: inout [StoredPart]
    ) -> (pending: [PendingInstance], inserted: [CatalogInsertOutcome]?) {
        guard !staged.isEmpty else { return ([], nil) }
        var pending: [PendingInstance] = []
        var inserted: [CatalogInsertOutcome]?
        do throws(StoreError) {
            // The outcomes handed alongside are the ones the commit returns when it succeeds.
            let results = try batch.commit { outcomes, awaitDurable in
                pending = zip(staged, outcomes).compactMap { part, outcome in
                    (try? outcome.get()).map {
                        PendingInstance(index: part.index, header: part.header, receipt: $0)
                    }
                }
                inserted = catalogueAlongside(pending, awaitDurable: awaitDurable)
            }
            for (part, result) in zip(staged, results) {
                guard case .failure(let error) = result else { continue }
                parts[part.index] = failure(
                    part.header.sopClassUID, part.header.sopInstanceUID, rejection: nil, error: error)
            }
        } catch {
            pending = []
            for (index, header) in staged {
                parts[index] = failure(header.sopClassUID, header.sopInstanceUID, rejection: nil, error: error)
            }
        }
        return (pending, inserted)
    }

    /// The answer for a part that could not be stored: refused by the reader, or failed in the store. A store
    /// failure's message may name server paths, so the client gets a sentence for its kind and the log the rest.
    func failure(
        _ sopClassUID: String?, _ sopInstanceUID: String?, rejection: PartRejection?, error: StoreError
    ) -> StoredPart {
        var part = StoredPart(sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID)
        if let rejection {
            part.failureReason = rejection.failureReason
            part.comment = rejection.comment
        } else {
            let isFull = error.code == .diskFull || error.code == .unavailable
            part.failureReason = isFull ? StoreStatusCode.outOfResources : StoreStatusCode.processingFailure
            part.comment = "storing the instance failed: " + Self.clientSentence(for: error.code)
            context.log("storing instance \(sopInstanceUID ?? "(no SOP Instance UID)") failed: \(error.description)")
        }
        return part
    }

    /// What a client is told about a store failure of kind `code`: what happened, never where.
    static func clientSentence(for code: StoreError.Code) -> String {
        switch code {
        case .diskFull: "the node's volumes are full"
        case .unavailable: "too few of the node's volumes are available"
        case .corrupt: "stored data is damaged beyond repair"
        case .configuration, .dataDirectory, .notFound, .io: "the node could not write it (its log says why)"
        }
    }

    /// Catalogues the instances of `stored` in one transaction while their objects commit, making it durable only
    /// once `awaitDurable` says they are; nil when the transaction was refused (an invalid instance) or rolled
    /// back (the objects' commit failed).
    private func catalogueAlongside(_ stored: [PendingInstance], awaitDurable: () -> Bool) -> [CatalogInsertOutcome]? {
        let batch = stored.map { (instance: catalogInstance($0.header, $0.receipt), version: context.version()) }
        let sharing = context.sharing(batch.map { StoredInstanceName($0.instance) })
        return (try? context.catalog.insert(batch, sharing: sharing, committingIf: awaitDurable)) ?? nil
    }

    /// The answers for the stored parts of a request: from the rows `inserted` alongside the commit, or else from
    /// cataloguing each one on its own (one transaction refused for one bad instance must not fail the others);
    /// then takes back the objects the catalog refused, unless another part of the request was catalogued with
    /// them.
    func catalogue(_ pending: [PendingInstance], inserted: [CatalogInsertOutcome]?) -> [StoredPart] {
        let outcomes: [Result<CatalogInsertOutcome, CatalogError>]
        if let inserted, inserted.count == pending.count {
            outcomes = inserted.map { .success($0) }
        } else {
            outcomes = pending.map { instance in
                Result { () throws(CatalogError) in
                    let one = catalogInstance(instance.header, instance.receipt)
                    let outcomes = try context.catalog.insert(
                        [(one, context.version())], sharing: context.sharing([StoredInstanceName(one)]),
                        committingIf: { true })
                    guard let outcome = outcomes?.first else {
                        throw CatalogError(.io, "cataloguing \(one.manifestAddress) gave no outcome")
                    }
                    return outcome
                }
            }
        }
        // A conflict with the same data set under another file meta group is the same instance sent by another
        // route (STOW-RS, then a modality's C-STORE): answered as already stored; the new object is taken back.
        let answers = zip(pending, outcomes).map { instance, outcome in
            guard case .success(.conflict(let existing)) = outcome,
                DataSetDigest.isSame(instance.receipt.address, existing, in: context.store)
            else { return part(for: instance.header, outcome: outcome) }
            var part = part(for: instance.header, outcome: .success(.alreadyStored))
            part.comment = "the same instance (the same data set, in another file) was already stored"
            return part
        }
        var kept: Set<ChunkAddress> = []
        for (instance, outcome) in zip(pending, outcomes) {
            switch outcome {
            case .success(.stored), .success(.alreadyStored): kept.insert(instance.receipt.address)
            case .success(.conflict(let existing)): kept.insert(existing)
            case .failure: break
            }
        }
        for (instance, outcome) in zip(pending, outcomes) where !kept.contains(instance.receipt.address) {
            switch outcome {
            case .success(.conflict): takeBack(instance.receipt, isConflict: true)
            case .failure: takeBack(instance.receipt, isConflict: false)
            default: break
            }
        }
        return answers
    }

    private func catalogInstance(_ header: InstanceHeader, _ receipt: PutReceipt) -> CatalogInstance {
        CatalogInstance(
            attributes: header.attributes, transferSyntaxUID: header.transferSyntaxUID,
            manifestAddress: receipt.address, lengthBytes: Int64(receipt.length),
            originSite: context.configuration.originSite, metadata: header.metadata)
    }

    /// The answer for one catalogued part.
    private func part(for header: InstanceHeader, outcome: Result<CatalogInsertOutcome, CatalogError>) -> StoredPart {
        var part = StoredPart(sopClassUID: header.sopClassUID, sopInstanceUID: header.sopInstanceUID)
        let url = context.retrieveURL(
            study: header.studyInstanceUID, series: header.seriesInstanceUID, instance: header.sopInstanceUID)
        switch outcome {
        case .success(.stored(let patientConflict)):
            part.retrieveURL = url
            if let patientConflict {
                part.patientConflict = patientConflict
                part.comment = "stored; patient conflict: \(patientConflict)"
            }
        case .success(.alreadyStored):
            part.retrieveURL = url
            part.warningReason = StoreStatusCode.duplicateSOPInstance
            part.comment = "the identical instance was already stored"
        case .success(.conflict):
            part.failureReason = StoreStatusCode.duplicateSOPInstance
            part.comment =
                "SOP Instance UID \(header.sopInstanceUID) is already stored with other content or under another "
                + "study or series; instances are immutable"
        case .failure(let error):
            switch error.code {
            case .badInstance, .conflict:
                part.failureReason = StoreStatusCode.dataSetDoesNotMatchSOPClass
                part.comment = "the catalog refused the instance: \(error.message)"
            default:
                // Not the instance's fault: the message may name the catalog's path, so it goes to the log only.
                part.failureReason = StoreStatusCode.processingFailure
                part.comment = "the catalog could not record the instance"
                context.log("cataloguing instance \(header.sopInstanceUID) failed: \(error.message)")
            }
        }
        return part
    }

    /// Deletes an object this request stored but could not catalogue, so a catalog rebuilt from the store does not
    /// find it. An object refused as a conflict is surely nobody's: its bytes name the SOP Instance UID the catalog
    /// holds with other bytes, so no request can catalogue it. Otherwise only an object with new chunks is surely
    /// this request's own; one made only of known chunks may be another instance's, so it stays (a rebuild finds
    /// it a duplicate or catalogues it, as it was meant to be).
    private func takeBack(_ receipt: PutReceipt, isConflict: Bool) {
        guard isConflict || receipt.newChunkCount > 0 else { return }
        try? context.store.delete(receipt.address)
    }

    /// The boundary of a multipart/related request, nil for a single application/dicom body; 415 for any other
    /// media type, 400 for a multipart type without a boundary (PS3.18 §10.5.1).
    static func boundary(contentType: String?) throws(DICOMwebError) -> String? {
        guard let contentType else {
            throw DICOMwebError(
                .unsupportedMediaType,
                "a STOW-RS request needs Content-Type multipart/related; type=\"application/dicom\"")
        }
        let media: MediaType
        do {
            media = try MediaType.parse(contentType)
        } catch {
            throw DICOMwebError(.badRequest, "the Content-Type \"\(contentType)\" is malformed: \(error.reason)")
        }
        switch (media.type, media.subtype) {
        case ("application", "dicom"):
            return nil
        case ("multipart", "related"):
            if let type = media.parameter("type"), type.lowercased() != "application/dicom" {
                throw DICOMwebError(
                    .unsupportedMediaType,
                    "this service stores multipart/related; type=\"application/dicom\", not type=\"\(type)\"")
            }
            guard let boundary = media.parameter("boundary"), !boundary.isEmpty else {
                throw DICOMwebError(.badRequest, "the multipart/related Content-Type has no boundary parameter")
            }
            return boundary
        default:
            throw DICOMwebError(
                .unsupportedMediaType,
                "this service stores multipart/related; type=\"application/dicom\", not \(media.type)/\(media.subtype)")
        }
    }
}
