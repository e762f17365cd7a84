// What happens to an association (PS3.8 §9.2.2, Table 9-10's events): facts from the transport and the peer, and
// the local user's requests. Evt numbers are given so the core can be read against the standard.

/// One event fed to AssociationCore.
public enum AssociationEvent: Sendable, Equatable {
    /// Evt2 (requestor) or Evt5 (acceptor): the transport connection is open.
    case connected
    /// Evt3, 4, 6, 10, 12, 13, 16: a whole, valid PDU arrived.
    case received(PDU)
    /// Evt19: the bytes were not a valid PDU; the error says why and how to abort.
    case receivedInvalid(DIMSEError)
    /// Evt17: the transport connection closed.
    case closed
    /// Evt18 (ARTIM) or the idle limit: the timer the core last set has fired.
    case timerFired
    /// Evt7: the local user accepts the request with this answer.
    case userAccepted(AssociateAccept)
    /// Evt8: the local user rejects the request.
    case userRejected(AssociateReject)
    /// Evt9: the local user sends these fragments.
    case userSent([PresentationDataValue])
    /// Evt11: the local user asks to release the association.
    case userRequestedRelease
    /// Evt14: the local user agrees to the peer's release.
    case userReleased
    /// Evt15: the local user aborts.
    case userAborted
}
