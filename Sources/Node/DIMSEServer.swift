// The node's DIMSE listener: one accept thread and one owned thread per association, at most associationCountMax of
// them and associationsPerAddressMax per client address, and a stop() that wakes and joins every thread. A client
// over a limit still gets an answer: its request is rejected as a transient local limit (PS3.8 Table 9-21).
import DIMSE
import Posix
import Primitives
import Synchronization

/// A blocking DIMSE server over TCP; associations are served by AssociationConnection.
final class DIMSEServer: Sendable {
    /// What every association needs: settings, policy, services, clock and log.
    let context: AssociationContext
    private let listener: ListeningSocket
    private let wakeup: WakeupSignal
    private let state = Mutex(State())

    private struct State: Sendable {
        var isStarted = false
        var isStopping = false
        var acceptThread: OwnedThread?
        var nextID = 0
        var acceptedCount = 0
        var connections: [Int: Entry] = [:]
    }

    private struct Entry: Sendable {
        let socket: Socket
        let peerHost: String
        var thread: OwnedThread?
        var isDone = false
    }

    /// The port it listens on (the kernel's choice when the settings said 0).
    var port: Int { listener.boundPort }

    /// Binds the settings' address; throws naming it when that fails.
    init(context: AssociationContext) throws(NodeError) {
        self.context = context
        let address = try context.settings.listenAddress
        do {
            listener = try ListeningSocket(host: address.host, port: address.port)
            wakeup = try WakeupSignal()
        } catch {
            throw NodeError(.listen, "cannot listen for DIMSE on \(context.settings.listen): \(error)")
        }
    }

    deinit { stop() }

    /// Starts accepting on an owned thread.
    func start() {
        Posix.ignoreBrokenPipe()
        state.withLock { state in
            precondition(!state.isStarted && !state.isStopping, "DIMSEServer.start() called twice or after stop()")
            state.isStarted = true
            state.acceptThread = OwnedThread(name: "dimse-accept") { [self] in acceptLoop() }
        }
    }

    /// Stops accepting, shuts every association's socket down, joins every thread, closes the listener. Idempotent.
    func stop() {
        let isFirst = state.withLock { state in
            defer { state.isStopping = true }
            return !state.isStopping
        }
        wakeup.signal()
        context.outgoing.stop()
        state.withLock { $0.acceptThread }?.join()
        guard isFirst else { return }
        let threads: [OwnedThread] = state.withLock { state in
            for entry in state.connections.values { entry.socket.shutdown(.both) }
            defer { state.connections = [:] }
            return state.connections.values.compactMap(\.thread)
        }
        for thread in threads { thread.join() }
        listener.close()
    }

    /// Associations being served now.
    var associationCount: Int { state.withLock { $0.connections.values.count { !$0.isDone } } }

    /// Connections accepted since start, over the limits included.
    var acceptedCount: Int { state.withLock { $0.acceptedCount } }

    /// How long the accept loop waits after a failed accept (out of descriptors), instead of spinning.
    private static let acceptBackoffTicks = Instant.ticksPerSecond / 20

    private func acceptLoop() {
        while !wakeup.isSignalled {
            reapFinished()
            let socket: Socket
            do {
                guard let accepted = try listener.accept(wakeup: wakeup) else { continue }
                socket = accepted
            } catch {
                context.clock.sleep(until: context.clock.now().advanced(byTicks: Self.acceptBackoffTicks))
                continue
            }
            try? socket.setNoDelay(true)
            let admission = state.withLock { state -> (id: Int, isOverLimit: Bool)? in
                guard !state.isStopping else { return nil }
                let live = state.connections.values.filter { !$0.isDone }
                // Threads stay bounded: past twice the limit a connection is closed unanswered.
                guard live.count < 2 * context.settings.associationCountMax else { return nil }
                let fromHost = live.count { $0.peerHost == socket.peerHost }
                state.nextID += 1
                state.acceptedCount += 1
                state.connections[state.nextID] = Entry(socket: socket, peerHost: socket.peerHost)
                let isOverLimit =
                    live.count >= context.settings.associationCountMax
                    || fromHost >= context.settings.associationsPerAddressMax
                return (state.nextID, isOverLimit)
            }
            guard let admission else {
                socket.close()
                continue
            }
            let thread = OwnedThread(name: "dimse-\(admission.id)") { [self] in
                AssociationConnection(socket: socket, context: context, isOverLimit: admission.isOverLimit).run()
                socket.close()
                state.withLock { $0.connections[admission.id]?.isDone = true }
            }
            state.withLock { $0.connections[admission.id]?.thread = thread }
        }
    }

    /// Joins the threads of associations that ended, and forgets them.
    private func reapFinished() {
        let finished: [OwnedThread] = state.withLock { state in
            let done = state.connections.filter { $0.value.isDone && $0.value.thread != nil }
            for id in done.keys { state.connections[id] = nil }
            return done.values.compactMap(\.thread)
        }
        for thread in finished { thread.join() }
    }
}
