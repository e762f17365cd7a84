// `tessera bench dimse`'s query client: one Study Root association, then C-FIND requests one after another, each
// timed from the request's first byte to its final response, so the figure is the server's, not a process start's.
import DICOM
import DIMSE
import Posix
import Primitives

/// A C-FIND client on one association.
struct BenchFindClient {
    /// Study Root Query/Retrieve Information Model – FIND.
    static let studyRootFind = "1.2.840.10008.5.1.4.1.2.2.1"

    let connection: BenchDIMSEConnection
    let contextID: UInt8 = 1
    let syntax: TransferSyntax
    private var messageID: UInt16 = 0

    /// Associates with `calledAETitle` at `port` on 127.0.0.1, proposing Study Root FIND.
    init(port: Int, calledAETitle: String) throws {
        let socket = try Socket.connect(
            host: "127.0.0.1", port: port,
            deadline: MonotonicClock().now().advanced(byTicks: 10 * Instant.ticksPerSecond))
        connection = BenchDIMSEConnection(socket: socket)
        let request = AssociateRequest(
            calledAETitle: try AETitle(calledAETitle), callingAETitle: try AETitle("BENCH"),
            presentationContexts: [
                PresentationContextProposal(
                    id: contextID, abstractSyntax: Self.studyRootFind,
                    transferSyntaxes: [
                        TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid,
                    ])
            ],
            userInformation: UserInformation(
                maximumLength: 1 << 20, implementationClassUID: Part10Writer.implementationClassUID))
        try connection.send(.associateRequest(request))
        guard case .associateAccept(let accept) = try connection.nextPDU(),
            let result = accept.presentationContexts.first(where: { $0.id == 1 && $0.outcome == .acceptance }),
            let syntax = TransferSyntax(uid: result.transferSyntax)
        else {
            socket.close()
            throw BenchError("\(calledAETitle) on port \(port) did not accept a Study Root C-FIND association")
        }
        connection.peerMaximumLength = accept.userInformation.maximumLength
        self.syntax = syntax
    }

    /// Sends one C-FIND with `identifier` and reads every response; returns the number of matches.
    mutating func find(_ identifier: DataSet) throws -> Int {
        let (matches, status) = try exchange(identifier, cancelling: false)
        guard status == DIMSEStatus.success else {
            throw BenchError("C-FIND answered status \(String(status, radix: 16, uppercase: true))H")
        }
        return matches
    }

    /// Sends one C-FIND with `identifier` and its C-CANCEL right behind it, in one write, so the cancel is there
    /// before the server sends its first match; returns the pending responses and the final status. For tests of a
    /// server's cancel.
    mutating func findCancelled(_ identifier: DataSet) throws -> (matches: Int, status: UInt16) {
        try exchange(identifier, cancelling: true)
    }

    /// Sends a C-FIND (and its C-CANCEL when `cancelling`), reads every response; the matches and final status.
    private mutating func exchange(_ identifier: DataSet, cancelling: Bool) throws -> (matches: Int, status: UInt16) {
        messageID &+= 1
        var request = CommandSet(field: .cFindRequest, hasDataSet: true)
        request.messageID = messageID
        request.affectedSOPClassUID = Self.studyRootFind
        request.priority = 0
        var cancel: CommandSet?
        if cancelling {
            var command = CommandSet(field: .cCancelRequest, hasDataSet: false)
            command.respondedMessageID = messageID
            cancel = command
        }
        try connection.send(
            request, contextID: contextID, dataSet: Part10Writer.dataSetBytes(identifier, transferSyntax: syntax),
            then: cancel)
        var matches = 0
        while true {
            guard case .part(let part) = try connection.nextPart() else {
                throw BenchError("the association ended during a C-FIND")
            }
            guard case .command(let response, _) = part else { continue }
            let status = response.status ?? DIMSEStatus.unableToProcess
            guard DIMSEStatus.isPending(status) else { return (matches, status) }
            matches += 1
        }
    }

    /// Releases the association and closes.
    func release() {
        try? connection.send(.releaseRequest)
        _ = try? connection.nextPDU()
        connection.socket.close()
    }
}
