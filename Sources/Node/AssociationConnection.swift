// Drives one association on its own thread: bytes from the socket go through the PDU decoder into AssociationCore,
// whose effects this file performs (send, timers, close) and whose indications it answers (the policy for a
// request, the message assembler for data). Messages come out one part at a time through `nextPart`, which the
// services also pull data sets through, so a C-STORE streams into the store without being held whole.
import DIMSE
import Glibc
import Posix
import Primitives

/// One association, owned by one thread from connection to close.
final class AssociationConnection {
    let socket: Socket
    let context: AssociationContext
    /// Whether the server was full when this connection came: its request is rejected as a transient limit.
    let isOverLimit: Bool
    var core: AssociationCore
    private var decoder: PDUDecoder
    private var assembler: MessageAssembler
    /// Set once the decoder failed: the association is aborting, and bytes are read only to see the close.
    private var isDecoderFailed = false
    private var timerDeadline: Instant?
    private(set) var isClosed = false
    private var parts: [MessagePart] = []
    private var partIndex = 0
    private var receiveBuffer = [UInt8](repeating: 0, count: 64 << 10)
    /// The proposed abstract syntax and accepted transfer syntax of each accepted context.
    private(set) var contexts: [UInt8: (abstractSyntax: String, transferSyntax: String)] = [:]
    /// The requestor's AE title, once it asked.
    private(set) var callingAETitle: AETitle?
    /// The AE title this side called, as requestor.
    private(set) var peerAETitle: AETitle?
    /// The peer's rejection of this side's request, as requestor.
    private(set) var rejection: AssociateReject?
    /// The SOP classes the requestor acts as SCP for (to receive C-GET's sub-operations).
    private(set) var requestorSCPClasses: Set<String> = []
    /// The largest PDU the peer accepts (0: no limit).
    private(set) var peerMaximumLength: UInt32 = 0
    /// The registration of a socket this side opened, with the server's outgoing associations.
    var registration: Int?
    /// The Message ID of the last request this side sent.
    var lastMessageID: UInt16 = 0
    /// Operations served so far.
    var operationCount = 0

    /// Whether message parts already decoded, or a whole PDU already received, wait to be taken: `nextPart` then
    /// answers without reading the socket.
    var hasQueuedParts: Bool { partIndex < parts.count || (!isDecoderFailed && decoder.hasWholePDU) }

    /// Makes the acceptor of an association a peer opened on `socket`.
    init(socket: Socket, context: AssociationContext, isOverLimit: Bool) {
        self.socket = socket
        self.context = context
        self.isOverLimit = isOverLimit
        core = AssociationCore(role: .acceptor, timing: context.timing)
        decoder = PDUDecoder(limits: context.limits)
        assembler = MessageAssembler(commandBytesMax: context.limits.commandBytesMax)
    }

    /// Makes the requestor of an association on `socket`, already connected; `request()` sends `request`.
    init(socket: Socket, context: AssociationContext, request: AssociateRequest) {
        self.socket = socket
        self.context = context
        isOverLimit = false
        peerAETitle = request.calledAETitle
        core = AssociationCore(role: .requestor(request), timing: context.timing)
        decoder = PDUDecoder(limits: context.limits)
        assembler = MessageAssembler(commandBytesMax: context.limits.commandBytesMax)
    }

    /// Serves the association to its end.
    func run() {
        perform(core.handle(.connected, now: context.clock.now()))
        do {
            while let part = try nextPart() { try serve(part) }
        } catch {
            context.log("DIMSE association \(peerName) ended: \(error)")
            if core.state != .idle && core.state != .awaitingClose { perform(core.handle(.userAborted, now: now)) }
        }
    }

    private var now: Instant { context.clock.now() }

    /// "CT1 (10.0.0.5)": the peer's AE title and address, for logs.
    var callerName: String {
        let title = core.isRequestor ? peerAETitle : callingAETitle
        return "\(title?.value ?? "?") (\(socket.peerHost))"
    }

    /// "from CT1 (10.0.0.5)" or "to PACS (10.0.0.9)", for logs.
    var peerName: String { (core.isRequestor ? "to " : "from ") + callerName }

    /// The next message part of the association, or nil once it is over (released, aborted or closed).
    func nextPart() throws -> MessagePart? {
        while true {
            if partIndex < parts.count {
                partIndex += 1
                return parts[partIndex - 1]
            }
            parts.removeAll(keepingCapacity: true)
            partIndex = 0
            if isClosed { return nil }
            step()
        }
    }

    /// Moves the association on by one PDU: one already received, else what the socket or the timer brings.
    func step() {
        if !isDecoderFailed {
            do {
                if let pdu = try decoder.next() { return perform(core.handle(.received(pdu), now: now)) }
            } catch {
                isDecoderFailed = true
                context.log("DIMSE association with \(callerName) aborted: \(error.message)")
                return perform(core.handle(.receivedInvalid(error), now: now))
            }
        }
        receive()
    }

    /// Waits for bytes until the core's timer; feeds what came, the close or the timer to the core.
    private func receive() {
        do {
            let count = try receiveBuffer.withUnsafeMutableBytes { buffer in
                try socket.receive(into: buffer, deadline: timerDeadline)
            }
            if count == 0 {
                // The peer closed: whatever the core makes of it, nothing more can be read.
                isClosed = true
                perform(core.handle(.closed, now: now))
            } else if !isDecoderFailed {
                decoder.append(receiveBuffer[..<count])
            }
        } catch let error as SystemError where error.errno == ETIMEDOUT {
            perform(core.handle(.timerFired, now: now))
        } catch {
            isClosed = true
            perform(core.handle(.closed, now: now))
        }
    }

    /// Performs the core's effects in order, answering its indications.
    func perform(_ effects: [AssociationEffect]) {
        for effect in effects {
            switch effect {
            case .send(let pdu): send(pdu)
            case .indicate(let indication): answer(indication)
            case .setTimer(let deadline): timerDeadline = deadline
            case .cancelTimer: timerDeadline = nil
            case .close:
                isClosed = true
                socket.shutdown(.both)
            case .connect: perform(core.handle(.connected, now: now))  // A requestor's socket is connected.
            }
        }
    }

    private func send(_ pdu: PDU) {
        guard !isClosed else { return }
        let bytes = pdu.encoded()
        do {
            let deadline = now.advanced(byTicks: AssociationContext.sendTimeoutTicks)
            try bytes.withUnsafeBytes { try socket.sendAll($0, deadline: deadline) }
        } catch {
            context.log("DIMSE association \(peerName): sending \(pdu.name) failed: \(error)")
            isClosed = true
            perform(core.handle(.closed, now: now))
        }
    }

    private func answer(_ indication: AssociationIndication) {
        switch indication {
        case .requested(let request): answer(request)
        case .data(let values):
            for value in values {
                do {
                    parts += try assembler.take(value)
                } catch {
                    context.log("DIMSE association \(peerName) aborted: \(error.message)")
                    perform(core.handle(.receivedInvalid(error), now: now))
                    return
                }
            }
        case .releaseRequested: perform(core.handle(.userReleased, now: now))
        case .aborted(let end):
            if end != .connectionLost { context.log("DIMSE association \(peerName) aborted: \(end)") }
        case .accepted(let accept): accepted(accept)
        case .rejected(let reject): rejection = reject
        case .released: break  // The core closes the transport.
        }
    }

    /// Answers an A-ASSOCIATE-RQ with the policy's decision, or a transient rejection when the server is full.
    private func answer(_ request: AssociateRequest) {
        callingAETitle = request.callingAETitle
        if isOverLimit {
            context.log("DIMSE association \(peerName) rejected: too many associations at once")
            return perform(core.handle(.userRejected(.localLimitExceeded), now: now))
        }
        switch context.policy.answer(request) {
        case .reject(let reject):
            context.log("DIMSE association \(peerName) to \(request.calledAETitle) rejected: \(reject)")
            perform(core.handle(.userRejected(reject), now: now))
        case .accept(let accept):
            peerMaximumLength = request.userInformation.maximumLength
            record(request, accept)
            perform(core.handle(.userAccepted(accept), now: now))
        }
    }

    /// Records what the peer accepted of this side's request: the contexts and its maximum PDU length.
    private func accepted(_ accept: AssociateAccept) {
        guard case .requestor(let request) = core.role else { return }
        peerMaximumLength = accept.userInformation.maximumLength
        record(request, accept)
    }

    /// Records the contexts accepted, with their proposed abstract syntaxes, and the classes whose C-STOREs the
    /// requestor may receive (PS3.7 §D.3.3.4: the SCP role granted by role selection).
    private func record(_ request: AssociateRequest, _ accept: AssociateAccept) {
        let proposals = Dictionary(
            request.presentationContexts.map { ($0.id, $0.abstractSyntax) }, uniquingKeysWith: { first, _ in first })
        for result in accept.presentationContexts where result.outcome == .acceptance {
            contexts[result.id] = (proposals[result.id] ?? "", result.transferSyntax)
        }
        requestorSCPClasses = Set(accept.userInformation.roleSelections.filter(\.isSCP).map(\.sopClassUID))
    }

    // MARK: - Sending messages

    /// The data bytes one PDV to the peer may carry.
    var fragmentBytesMax: Int {
        MessageFragmenter.fragmentBytesMax(
            peerMaximumLength: peerMaximumLength, cap: context.settings.dataPDUBytesMax)
    }

    /// Sends a command, and its data set when given, on `contextID`.
    func send(_ command: CommandSet, contextID: UInt8, dataSet: [UInt8]? = nil) {
        precondition(command.hasDataSet == (dataSet != nil), "a command's data set flag must match its data set")
        sendCommand(command, contextID: contextID)
        guard let dataSet else { return }
        for pdu in MessageFragmenter.pdus(
            contextID: contextID, isCommand: false, bytes: dataSet, fragmentBytesMax: fragmentBytesMax)
        {
            sendData(pdu)
        }
    }

    /// Sends a command alone: the data set it announces, if any, the caller streams after it.
    func sendCommand(_ command: CommandSet, contextID: UInt8) {
        for pdu in MessageFragmenter.pdus(
            contextID: contextID, isCommand: true, bytes: command.encoded(), fragmentBytesMax: fragmentBytesMax)
        {
            sendData(pdu)
        }
    }

    /// Hands one P-DATA-TF to the core, which sends it while the association allows.
    func sendData(_ pdu: PDU) {
        guard case .data(let values) = pdu else { preconditionFailure("sendData takes P-DATA-TF PDUs") }
        perform(core.handle(.userSent(values), now: now))
    }
}
