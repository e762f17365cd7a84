// The transitions of AssociationCore for PDUs received and for the local user's requests (PS3.8 Table 9-10), one
// function per event; action names (AE-6, AR-8, AA-8…) are the standard's.
import Primitives

extension AssociationCore {
    mutating func received(_ pdu: PDU, _ now: Instant, _ effects: inout [AssociationEffect]) {
        switch state {
        case .idle, .awaitingConnection: return  // No transport yet: nothing can arrive.
        case .awaitingClose:
            // AA-6 ignores the PDU; AA-7 answers a new request with an abort; AA-2 closes on the peer's abort.
            if case .associateRequest = pdu {
                effects.append(.send(.abort(AssociationAbort(source: .serviceProvider, reason: .unexpectedPDU))))
            } else if case .abort = pdu {
                stopTimers(&effects)
                effects.append(.close)
                state = .idle
            }
            return
        default: break
        }
        switch pdu {
        case .associateRequest(let request): receivedRequest(request, now, &effects)
        case .associateAccept(let accept):
            guard state == .awaitingAcceptOrReject else { return unexpected(pdu, now, &effects) }
            acceptedContexts = Self.accepted(accept)  // AE-3
            stopTimers(&effects)
            state = .established
            effects.append(.indicate(.accepted(accept)))
            touch(now, &effects)
        case .associateReject(let reject):
            guard state == .awaitingAcceptOrReject else { return unexpected(pdu, now, &effects) }
            stopTimers(&effects)  // AE-4
            effects.append(.indicate(.rejected(reject)))
            effects.append(.close)
            state = .idle
        case .data(let values): receivedData(values, now, &effects)
        case .releaseRequest: receivedReleaseRequest(now, &effects)
        case .releaseResponse: receivedReleaseResponse(now, &effects)
        case .abort(let abort):
            if state != .awaitingRequest { effects.append(.indicate(.aborted(.byPeer(abort)))) }  // AA-3 (AA-2 in Sta2)
            stopTimers(&effects)
            effects.append(.close)
            state = .idle
        }
    }

    /// The contexts an accept grants, by identifier.
    static func accepted(_ accept: AssociateAccept) -> [UInt8: PresentationContextResult] {
        Dictionary(
            accept.presentationContexts.filter { $0.outcome == .acceptance }.map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })
    }

    private mutating func unexpected(_ pdu: PDU, _ now: Instant, _ effects: inout [AssociationEffect]) {
        providerAbort(DIMSEError(.unexpectedPDU, "\(pdu.name) is not allowed in \(state)"), now, &effects)
    }

    /// Evt6: AE-6 in Sta2, AA-8 elsewhere.
    private mutating func receivedRequest(
        _ request: AssociateRequest, _ now: Instant, _ effects: inout [AssociationEffect]
    ) {
        guard state == .awaitingRequest else { return unexpected(.associateRequest(request), now, &effects) }
        stopTimers(&effects)
        guard request.protocolVersion & upperLayerProtocolVersion != 0 else {
            effects.append(.send(.associateReject(.protocolVersionNotSupported)))
            enterAwaitingClose(now, &effects)
            return
        }
        state = .awaitingLocalAssociateResponse
        effects.append(.indicate(.requested(request)))
    }

    /// Evt10: DT-2 in Sta6, AR-6 in Sta7; fragments on a context not accepted abort the association.
    private mutating func receivedData(
        _ values: [PresentationDataValue], _ now: Instant, _ effects: inout [AssociationEffect]
    ) {
        guard state == .established || state == .awaitingReleaseResponse else {
            return unexpected(.data(values), now, &effects)
        }
        if let stray = values.first(where: { acceptedContexts[$0.contextID] == nil }) {
            let error = DIMSEError(
                .invalidParameter, "P-DATA-TF uses presentation context \(stray.contextID), which was not accepted")
            return providerAbort(error, now, &effects)
        }
        effects.append(.indicate(.data(values)))
        touch(now, &effects)
    }

    /// Evt12: AR-2 in Sta6, AR-8 (a release collision) in Sta7.
    private mutating func receivedReleaseRequest(_ now: Instant, _ effects: inout [AssociationEffect]) {
        switch state {
        case .established: state = .awaitingLocalReleaseResponse
        case .awaitingReleaseResponse:
            state = isRequestor ? .collisionRequestorAwaitingLocal : .collisionAcceptorAwaitingResponse
        default: return unexpected(.releaseRequest, now, &effects)
        }
        effects.append(.indicate(.releaseRequested))
        touch(now, &effects)
    }

    /// Evt13: AR-3 in Sta7 and Sta11, AR-10 in Sta10.
    private mutating func receivedReleaseResponse(_ now: Instant, _ effects: inout [AssociationEffect]) {
        switch state {
        case .awaitingReleaseResponse, .collisionRequestorAwaitingResponse:
            stopTimers(&effects)
            effects.append(.indicate(.released))
            effects.append(.close)
            state = .idle
        case .collisionAcceptorAwaitingResponse:
            effects.append(.indicate(.released))
            state = .collisionAcceptorAwaitingLocal
        default: unexpected(.releaseResponse, now, &effects)
        }
    }

    // MARK: - The local user's requests

    mutating func local(_ event: AssociationEvent, _ now: Instant, _ effects: inout [AssociationEffect]) {
        switch (event, state) {
        case (.userAccepted(let accept), .awaitingLocalAssociateResponse):  // AE-7
            acceptedContexts = Self.accepted(accept)
            effects.append(.send(.associateAccept(accept)))
            state = .established
            touch(now, &effects)
        case (.userRejected(let reject), .awaitingLocalAssociateResponse):  // AE-8
            effects.append(.send(.associateReject(reject)))
            enterAwaitingClose(now, &effects)
        case (.userSent(let values), .established), (.userSent(let values), .awaitingLocalReleaseResponse):
            // DT-1, AR-7. The user picks contexts from `acceptedContexts`, so another one is a bug of ours.
            precondition(
                values.allSatisfy { acceptedContexts[$0.contextID] != nil }, "P-DATA on a context not accepted")
            effects.append(.send(.data(values)))
            touch(now, &effects)
        case (.userRequestedRelease, .established):  // AR-1
            effects.append(.send(.releaseRequest))
            state = .awaitingReleaseResponse
            touch(now, &effects)
        case (.userReleased, .awaitingLocalReleaseResponse), (.userReleased, .collisionAcceptorAwaitingLocal):
            effects.append(.send(.releaseResponse))  // AR-4
            enterAwaitingClose(now, &effects)
        case (.userReleased, .collisionRequestorAwaitingLocal):  // AR-9
            effects.append(.send(.releaseResponse))
            state = .collisionRequestorAwaitingResponse
            touch(now, &effects)
        case (.userAborted, .awaitingConnection):  // AA-2
            stopTimers(&effects)
            effects.append(.close)
            state = .idle
        case (.userAborted, .idle), (.userAborted, .awaitingRequest), (.userAborted, .awaitingClose): break
        case (.userAborted, _):  // AA-1
            effects.append(.send(.abort(.byUser)))
            enterAwaitingClose(now, &effects)
        default: break  // Not allowed in this state: dropped (see `handle`).
        }
    }
}
