// What AssociationCore asks its driver to do (PS3.8 §9.2.3's actions, reduced to what a driver performs): send a
// PDU, tell the local user something, set or cancel the one timer, open or close the transport.
public import Primitives

/// One effect of AssociationCore.
public enum AssociationEffect: Sendable, Equatable {
    /// Open the transport connection to the peer (AE-1).
    case connect
    /// Send this PDU.
    case send(PDU)
    /// Tell the local user.
    case indicate(AssociationIndication)
    /// Fire `timerFired` at this instant, replacing any timer set before.
    case setTimer(Instant)
    /// Cancel the timer.
    case cancelTimer
    /// Close the transport connection.
    case close
}

/// What the local user learns (PS3.8 §7's indications and confirmations).
public enum AssociationIndication: Sendable, Equatable {
    /// A-ASSOCIATE indication: a peer asks; answer with `userAccepted` or `userRejected`.
    case requested(AssociateRequest)
    /// A-ASSOCIATE confirmation: the peer accepted our request.
    case accepted(AssociateAccept)
    /// A-ASSOCIATE confirmation: the peer rejected our request.
    case rejected(AssociateReject)
    /// P-DATA indication: fragments from the peer, on accepted contexts.
    case data([PresentationDataValue])
    /// A-RELEASE indication: the peer asks to release; answer with `userReleased` once done sending.
    case releaseRequested
    /// A-RELEASE confirmation: the association is released.
    case released
    /// A-ABORT or A-P-ABORT indication: the association ended abnormally, and why.
    case aborted(AssociationEnd)
}

/// Why an association ended without release, for the user and the logs.
public enum AssociationEnd: Sendable, Equatable {
    /// The peer sent A-ABORT.
    case byPeer(AssociationAbort)
    /// This side aborted because the peer broke the protocol; the error names how.
    case protocolError(DIMSEError)
    /// The transport closed before the association was released.
    case connectionLost
    /// Nothing was sent or received for longer than the idle limit, or the ARTIM timer ran out.
    case timedOut
}
