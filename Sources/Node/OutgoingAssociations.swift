// The sockets of the associations a node opened itself (C-MOVE's to its destinations), so the DIMSE server's stop()
// can shut them down too: the thread sending on one would otherwise wait out its timers before it could be joined.
import Posix
import Synchronization

/// The open outgoing association sockets of one DIMSE server.
final class OutgoingAssociations: Sendable {
    private let state = Mutex(State())

    private struct State: Sendable {
        var isStopped = false
        var nextID = 0
        var sockets: [Int: Socket] = [:]
    }

    init() {}

    /// Registers `socket` until `remove`; once stopped, a socket is shut down as it registers.
    func add(_ socket: Socket) -> Int {
        state.withLock { state in
            if state.isStopped { socket.shutdown(.both) }
            state.nextID += 1
            state.sockets[state.nextID] = socket
            return state.nextID
        }
    }

    /// Forgets the socket registered as `id`.
    func remove(_ id: Int) {
        _ = state.withLock { $0.sockets.removeValue(forKey: id) }
    }

    /// Shuts every registered socket down, and every later one as it registers.
    func stop() {
        state.withLock { state in
            state.isStopped = true
            for socket in state.sockets.values { socket.shutdown(.both) }
        }
    }
}
