// The HTTP/1.1 server: one accept thread and one owned thread per connection, at most connectionCountMax of them
// and connectionsPerAddressMax per client address (HTTPServerState admits), and a stop() that wakes and joins
// every thread. Requests are served by ServerConnection; the application is an HTTPResponder.
public import HTTP
public import Posix
public import Primitives
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
    /// The clock deadlines, timeouts and idle times are counted on.
    private let clock: any TimeSource
    /// The time of day for the Date header.
    private let wallClock: any WallClock
    /// Wraps each accepted socket (identity for plain TCP).
    private let makeStream: @Sendable (Socket) throws -> any ConnectionStream
    /// The bound listener; closed by `stop()`.
    private let listener: ListeningSocket
    /// Receives one line per internal failure (a 500, an error after the response began), for the operator.
    private let log: @Sendable (String) -> Void
    /// Fired by `stop()` to wake the accept loop.
    private let wakeup: WakeupSignal
    /// Threads and connections, under one lock.
    private let state = Mutex(ServerState())

    /// The port the server listens on (the kernel's choice when the configuration said 0).
    public var port: Int { listener.boundPort }

    /// Binds host:port from `configuration`; throws a SystemError naming host:port if that fails.
    ///
    /// `clock` counts every deadline and idle time. The sockets are real and wait with poll on CLOCK_MONOTONIC,
    /// so it MUST count in that timebase (Posix's MonotonicClock). `wallClock` gives the Date header its time.
    public convenience init(
        configuration: HTTPServerConfiguration, responder: some HTTPResponder, clock: any TimeSource,
        wallClock: any WallClock, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        try self.init(
            configuration: configuration, responder: responder, clock: clock, wallClock: wallClock, log: log,
            makeStream: { $0 })
    }

    /// Binds like `init(configuration:responder:clock:wallClock:log:)` and serves HTTPS with `tls`, a server
    /// context: each handshake runs on its connection's thread within `headerTimeoutSeconds`, and one that fails
    /// (no client certificate of the cluster, plain HTTP, a scanner) closes the connection and goes to `refused`.
    public convenience init(
        configuration: HTTPServerConfiguration, responder: some HTTPResponder, clock: any TimeSource,
        wallClock: any WallClock, log: @escaping @Sendable (String) -> Void = { _ in }, tls: TLSContext,
        refused: @escaping @Sendable (TransportError) -> Void = { _ in }
    ) throws {
        let timeout = ticks(seconds: configuration.headerTimeoutSeconds)
        try self.init(
            configuration: configuration, responder: responder, clock: clock, wallClock: wallClock, log: log,
            makeStream: { socket in
                do throws(TransportError) {
                    return try tls.accept(socket, deadline: clock.now().advanced(byTicks: timeout))
                } catch {
                    refused(error)
                    throw error
                }
            })
    }

    /// Binds like `init(configuration:responder:clock:wallClock:log:)`, with `makeStream` turning each accepted
    /// socket into the stream requests are read from: the seam where TLS slots in. It runs on the connection's own
    /// thread (a handshake never blocks the accept loop); a throw closes that connection.
    ///
    /// `log` gets the full message of every internal failure, whose client sees only "internal server error"
    /// (messages may name server paths); it is called on connection threads and MUST be thread-safe.
    public init(
        configuration: HTTPServerConfiguration, responder: some HTTPResponder, clock: any TimeSource,
        wallClock: any WallClock, log: @escaping @Sendable (String) -> Void = { _ in },
        makeStream: @escaping @Sendable (Socket) throws -> any ConnectionStream
    ) throws {
        configuration.validate()
        self.configuration = configuration
        self.responder = responder
        self.clock = clock
        self.wallClock = wallClock
        self.log = log
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

    /// The number of connections answered 503 and closed since start: over a limit, or while stopping.
    public var rejectedConnectionCount: Int { state.withLock { $0.rejectedCount } }

    /// The number of idle connections closed since start to make room for a newcomer at `connectionCountMax`.
    public var evictedConnectionCount: Int { state.withLock { $0.evictedCount } }

    /// The number of connections being served now (for metrics and tests).
    public var connectionCount: Int { state.withLock { $0.connections.values.count { !$0.isDone } } }

    // MARK: - Accepting

    /// Accepts until stopped: each connection gets an owned thread, or a 503 when it is not admitted.
    private func acceptLoop() {
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
            let activity = ConnectionActivity(idleSince: clock.now())
            let admission = state.withLock { state in
                state.admit(socket, activity: activity, now: clock.now(), configuration: configuration)
            }
            let id: Int
            switch admission {
            case .success(let admitted): id = admitted
            case .failure(let refusal):
                state.withLock { $0.rejectedCount += 1 }
                reject(socket, reason: refusal.reason)
                continue
            }
            let thread = OwnedThread(name: "http-connection-\(id)") { [self] in
                if let stream = try? makeStream(socket) {
                    ServerConnection(
                        stream: stream, configuration: configuration, responder: responder, activity: activity,
                        clock: clock, wallClock: wallClock, log: log, isStopping: { [wakeup] in wakeup.isSignalled }
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

    /// Answers a connection that was not admitted with 503 and Retry-After, and closes it, without ever waiting:
    /// the answer goes out in one send that does not wait for room (a new connection's send buffer holds it), and
    /// what the client already sent is read and discarded first, so the close is a clean end of stream rather
    /// than a reset that could destroy the answer. The accept loop cannot stall on a client.
    private func reject(_ socket: Socket, reason: String) {
        let body = Array((reason + "\n").utf8)
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: \(configuration.retryAfterSeconds)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        bytes.withUnsafeBytes { bytes in
            // A deadline already passed: send what fits now, never wait for the client.
            _ = try? socket.sendAll([bytes], deadline: clock.now())
        }
        socket.shutdown(.write)
        var scratch = [UInt8](repeating: 0, count: Self.rejectDrainBytes)
        scratch.withUnsafeMutableBytes { scratch in
            for _ in 0..<Self.rejectDrainReadsMax {
                guard let count = try? socket.receiveAvailable(into: scratch), count > 0 else { break }
            }
        }
        socket.close()
    }

    /// Bytes of each read that discards what a rejected client already sent.
    private static let rejectDrainBytes = 16 << 10
    /// Most such reads per rejected connection (what arrived beyond them is left to the kernel).
    private static let rejectDrainReadsMax = 4
}
