// The thirteen states of the DICOM upper-layer protocol machine (PS3.8 §9.2.1, Table 9-9), by their standard number
// so logs and tests can be read against the standard's transition table.

/// Where one association is in its life.
public enum AssociationState: Int, Sendable, Equatable, CustomStringConvertible {
    /// Sta1: no association and no transport connection.
    case idle = 1
    /// Sta2: transport connection open, waiting for the A-ASSOCIATE-RQ (acceptor).
    case awaitingRequest = 2
    /// Sta3: A-ASSOCIATE-RQ received, waiting for the local user's answer (acceptor).
    case awaitingLocalAssociateResponse = 3
    /// Sta4: waiting for the transport connection to open (requestor).
    case awaitingConnection = 4
    /// Sta5: A-ASSOCIATE-RQ sent, waiting for the AC or RJ (requestor).
    case awaitingAcceptOrReject = 5
    /// Sta6: established, ready for data transfer.
    case established = 6
    /// Sta7: A-RELEASE-RQ sent, waiting for the RP.
    case awaitingReleaseResponse = 7
    /// Sta8: A-RELEASE-RQ received, waiting for the local user's answer.
    case awaitingLocalReleaseResponse = 8
    /// Sta9: release collision, requestor side, waiting for the local user's answer.
    case collisionRequestorAwaitingLocal = 9
    /// Sta10: release collision, acceptor side, waiting for the A-RELEASE-RP.
    case collisionAcceptorAwaitingResponse = 10
    /// Sta11: release collision, requestor side, waiting for the A-RELEASE-RP.
    case collisionRequestorAwaitingResponse = 11
    /// Sta12: release collision, acceptor side, waiting for the local user's answer.
    case collisionAcceptorAwaitingLocal = 12
    /// Sta13: the association is over; waiting for the transport connection to close.
    case awaitingClose = 13

    public var description: String { "Sta\(rawValue)" }
}
