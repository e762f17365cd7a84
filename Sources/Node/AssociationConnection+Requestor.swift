// The requestor side of an association, for C-MOVE's sub-operations: connect to a destination the configuration
// names, ask for the contexts the instances need, and release once done. The same driver as the acceptor's, with
// the core in the requestor role.
import DIMSE
import Posix
import Primitives

extension AssociationConnection {
    /// Why an association to a peer could not be used.
    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to `peer` and asks for an association with `proposals`; returns it established, or throws saying
    /// why not (the connection refused, a rejection, an abort, or no answer within the ARTIM timeout).
    static func open(
        to peer: NodeConfiguration.DIMSESettings.Peer, calledAETitle: AETitle,
        proposals: [PresentationContextProposal], context: AssociationContext
    ) throws(OpenError) -> AssociationConnection {
        let name = "\(peer.aeTitle) at \(peer.host):\(peer.port)"
        let socket: Socket
        do {
            socket = try Socket.connect(
                host: peer.host, port: peer.port,
                deadline: context.clock.now().advanced(byTicks: context.timing.artimTicks))
        } catch {
            throw OpenError(description: "cannot connect to \(name): \(error)")
        }
        try? socket.setNoDelay(true)
        let request = AssociateRequest(
            calledAETitle: calledAETitle, callingAETitle: context.policy.aeTitle, presentationContexts: proposals,
            userInformation: UserInformation(
                maximumLength: UInt32(clamping: context.settings.dataPDUBytesMax),
                implementationClassUID: context.policy.implementationClassUID,
                implementationVersionName: context.policy.implementationVersionName))
        let connection = AssociationConnection(socket: socket, context: context, request: request)
        connection.registration = context.outgoing.add(socket)
        connection.perform(connection.core.start(now: context.clock.now()))
        while connection.core.state != .established && !connection.isClosed { connection.step() }
        guard connection.core.state == .established else {
            connection.close()
            if let rejection = connection.rejection { throw OpenError(description: "\(name) rejected: \(rejection)") }
            throw OpenError(description: "\(name) did not accept the association")
        }
        return connection
    }

    /// Releases the association this side opened, waits for the peer's answer (or the timer), and closes.
    func releaseAndClose() {
        perform(core.handle(.userRequestedRelease, now: context.clock.now()))
        while !isClosed { step() }
        close()
    }

    /// Closes the socket of an association this side opened.
    private func close() {
        if let registration { context.outgoing.remove(registration) }
        socket.close()
    }
}
