// The C-MOVE destination of `tessera bench dimse`: a storage SCP on 127.0.0.1 that accepts any storage context and
// answers every C-STORE with success without keeping the data set, so a move's speed is the sender's, ours and
// Orthanc's alike. It counts what it received, to check that every instance arrived.
import DIMSE
import Posix
import Primitives
import Synchronization

/// A storage SCP that receives and drops.
final class BenchStorageSink: Sendable {
    /// Its AE title, listed as a move destination in both servers.
    static let aeTitle = "BENCHSINK"

    private let listener: ListeningSocket
    private let policy: AssociationPolicy
    private let wakeup: WakeupSignal
    private let state = Mutex(State())

    private struct State: Sendable {
        var acceptThread: OwnedThread?
        var threads: [OwnedThread] = []
        var instanceCount = 0
        var byteCount: Int64 = 0
    }

    /// The port it listens on.
    var port: Int { listener.boundPort }

    /// Instances received so far.
    var instanceCount: Int { state.withLock { $0.instanceCount } }

    /// Data set bytes received so far.
    var byteCount: Int64 { state.withLock { $0.byteCount } }

    /// Binds 127.0.0.1 on a free port and starts accepting.
    init() throws {
        listener = try ListeningSocket(host: "127.0.0.1", port: 0)
        policy = AssociationPolicy(aeTitle: try AETitle(Self.aeTitle), allowedCallers: nil, dataPDUBytesMax: 1 << 20)
        wakeup = try WakeupSignal()
        state.withLock { $0.acceptThread = OwnedThread(name: "bench-sink") { [self] in acceptLoop() } }
    }

    /// Stops accepting, joins every thread, closes.
    func stop() {
        wakeup.signal()
        state.withLock { $0.acceptThread }?.join()
        for thread in state.withLock({ $0.threads }) { thread.join() }
        listener.close()
    }

    private func acceptLoop() {
        while !wakeup.isSignalled {
            guard let socket = (try? listener.accept(wakeup: wakeup)) ?? nil else { continue }
            let thread = OwnedThread(name: "bench-sink-association") { [self] in
                serve(BenchDIMSEConnection(socket: socket))
                socket.close()
            }
            state.withLock { $0.threads.append(thread) }
        }
    }

    /// Accepts the association, answers each C-STORE once its data set has arrived, and the release.
    private func serve(_ connection: BenchDIMSEConnection) {
        do {
            guard case .associateRequest(let request) = try connection.nextPDU(),
                case .accept(let accept) = policy.answer(request)
            else { return }
            connection.peerMaximumLength = request.userInformation.maximumLength
            try connection.send(.associateAccept(accept))
            var pending: (command: CommandSet, contextID: UInt8)?
            while true {
                switch try connection.nextPart() {
                case .pdu(.releaseRequest):
                    try connection.send(.releaseResponse)
                    return
                case .pdu: return
                case .part(.command(let command, let contextID)):
                    pending = (command, contextID)
                case .part(.dataSet(let bytes, _, let isLast)):
                    state.withLock { $0.byteCount += Int64(bytes.count) }
                    guard isLast, let (command, contextID) = pending else { continue }
                    var response = CommandSet(field: .cStoreResponse, hasDataSet: false)
                    response.respondedMessageID = command.messageID
                    response.affectedSOPClassUID = command.affectedSOPClassUID
                    response.affectedSOPInstanceUID = command.affectedSOPInstanceUID
                    response.status = DIMSEStatus.success
                    try connection.send(response, contextID: contextID)
                    state.withLock { $0.instanceCount += 1 }
                    pending = nil
                }
            }
        } catch {
            return
        }
    }
}
