// The HTTP/1.1 server: one accept thread and one owned thread per connection, at most connectionCountMax of them
// (one more is answered 503), and a stop() that wakes and joins every thread. Requests are served by
// ServerConnection; the application is an HTTPResponder.
public import HTTP
public import Posix
import Primitives
import Synchronization

/// A blocking HTTP/1.1 server over TCP.
///
/// The listening socket is bound in `init`, so `port` is known before `start()`. Threads: `start()` runs the
/// accept loop on an owned thread; each accepted connection gets its own owned thread, joined by the accept loop
/// once it ends and by `stop()` at the latest. No thread of the cooperative pool is ever blocked.
public final class HTTPServer: Sendable {
    /// The configuration it was made with.
    public let configuration: HTTPServerConfiguration
    /// The application answering requests.
    private let responder: any HTTPResponder
    /// Wraps each accepted socket (identity for plain TCP).
    private let makeStream: @Sendable (Socket) throws -> any ConnectionStream
    /// The bound listener; closed by `stop()`.
    private let listener: ListeningSocket
    /// Fired by `stop()` to wake the accept loop.
    private let wakeup: WakeupSignal
    /// Threads and connections, under one lock.
    private let state = Mutex(ServerState())

    /// The port the server listens on (the kernel's choice when the configuration said 0).
    public var port: Int { listener.boundPort }

    /// Binds host:port from `configuration`; throws a SystemError naming host:port if that fails.
    public convenience init(configuration: HTTPServerConfiguration, responder: some HTTPResponder) throws {
        try self.init(configuration: configuration, responder: responder, makeStream: { $0 })
    }

    /// Binds like `init(configuration:responder:)`, with `makeStream` turning each accepted socket into the stream
    /// requests are read from: the seam where TLS slots in. It runs on the connection's own thread (a handshake
    /// never blocks the accept loop); a throw closes that connection.
    public init(
        configuration: HTTPServerConfiguration, responder: some HTTPResponder,
        makeStream: @escaping @Sendable (Socket) throws -> any ConnectionStream
    ) throws {
        configuration.validate()
        self.configuration = configuration
        self.responder = responder
        self.makeStream = makeStream
        listener = try ListeningSocket(
            host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        wakeup = try WakeupSignal()
    }

    deinit { stop() }

    /// Starts accepting connections on an owned thread. Calling it twice, or after `stop()`, is a programmer error.
    public func start() throws {
        Posix.ignoreBrokenPipe()
        let name = "http-accept-\(port)"
        state.withLock { state in
            precondition(!state.isStarted && !state.isStopping, "HTTPServer.start() called twice or after stop()")
            state.isStarted = true
            // Made under the lock, so a concurrent stop() always finds the thread it must join.
            state.acceptThread = OwnedThread(name: name) { [self] in acceptLoop() }
        }
    }

    /// Stops accepting, wakes every connection (their sockets are shut down), joins every thread and closes the
    /// listener; returns once all are gone. Idempotent.
    public func stop() {
        let isFirst = state.withLock { state in
            defer { state.isStopping = true }
            return !state.isStopping
        }
        wakeup.signal()
        let acceptThread = state.withLock { $0.acceptThread }
        acceptThread?.join()
        guard isFirst else { return }
        let threads: [OwnedThread] = state.withLock { state in
            for entry in state.connections.values { entry.stream.shutdown(.both) }
            let threads = state.connections.values.compactMap(\.thread)
            state.connections = [:]
            return threads
        }
        for thread in threads { thread.join() }
        listener.close()
    }

    /// The number of connections accepted and served since start (rejected ones not counted).
    public var acceptedConnectionCount: Int { state.withLock { $0.acceptedCount } }

    /// The number of connections being served now (for metrics and tests).
    public var connectionCount: Int { state.withLock { $0.connections.values.count { !$0.isDone } } }

    // MARK: - Accepting

    /// Accepts until stopped: each connection gets an owned thread, or a 503 when the server is full.
    private func acceptLoop() {
        let clock = MonotonicClock()
        while !wakeup.isSignalled {
            reapFinishedConnections()
            let socket: Socket
            do {
                guard let accepted = try listener.accept(wakeup: wakeup) else { continue }
                socket = accepted
            } catch {
                // Out of descriptors or an aborted handshake: back off briefly instead of spinning.
                clock.sleep(until: clock.now().advanced(byTicks: Self.acceptBackoffTicks))
                continue
            }
            let id: Int? = state.withLock { state in
                guard !state.isStopping,
                    state.connections.values.count(where: { !$0.isDone })
                        < configuration.connectionCountMax
                else { return nil }
                state.nextID += 1
                state.acceptedCount += 1
                state.connections[state.nextID] = ConnectionEntry(stream: socket)
                return state.nextID
            }
            guard let id else {
                reject(socket)
                continue
            }
            let thread = OwnedThread(name: "http-connection-\(id)") { [self] in
                if let stream = try? makeStream(socket) {
                    ServerConnection(
                        stream: stream, configuration: configuration, responder: responder,
                        isStopping: { [wakeup] in wakeup.isSignalled }
                    ).run()
                }
                socket.close()
                state.withLock { $0.connections[id]?.isDone = true }
            }
            let isStopped = state.withLock { state in
                state.connections[id]?.thread = thread
                return state.connections[id] == nil
            }
            if isStopped { thread.join() }
        }
        listener.close()
    }

    /// How long the accept loop waits after a failed accept.
    private static let acceptBackoffTicks: Int64 = 100_000

    /// Joins the threads of connections that ended.
    private func reapFinishedConnections() {
        let finished: [OwnedThread] = state.withLock { state in
            let done = state.connections.filter { $0.value.isDone && $0.value.thread != nil }
            for id in done.keys { state.connections[id] = nil }
            return done.values.compactMap(\.thread)
        }
        for thread in finished { thread.join() }
    }

    /// Answers a connection beyond `connectionCountMax` with 503 and Retry-After, then closes it after reading
    /// what already arrived (so the client sees the answer rather than a reset).
    private func reject(_ socket: Socket) {
        let reason = Array(
            "the server is serving its maximum of \(configuration.connectionCountMax) connections\n".utf8)
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: \(configuration.retryAfterSeconds)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(reason.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + reason
        let clock = MonotonicClock()
        bytes.withUnsafeBytes { bytes in
            _ = try? socket.sendAll([bytes], deadline: clock.now().advanced(byTicks: Self.rejectTicks))
        }
        socket.shutdown(.write)
        var scratch = [UInt8](repeating: 0, count: 16 << 10)
        let deadline = clock.now().advanced(byTicks: Self.rejectTicks)
        scratch.withUnsafeMutableBytes { scratch in
            while let count = try? socket.receive(into: scratch, deadline: deadline), count > 0 {}
        }
        socket.close()
    }

    /// How long a rejected connection may hold the accept loop (sending the 503, reading what arrived).
    private static let rejectTicks: Int64 = 50_000
}

/// The server's threads and connections.
private struct ServerState: Sendable {
    var isStarted = false
    var isStopping = false
    var acceptThread: OwnedThread?
    var nextID = 0
    var acceptedCount = 0
    var connections: [Int: ConnectionEntry] = [:]
}

/// One connection as the server tracks it: its stream (to wake it on stop) and its thread (to join it).
private struct ConnectionEntry: Sendable {
    let stream: any ConnectionStream
    var thread: OwnedThread?
    var isDone = false
}
