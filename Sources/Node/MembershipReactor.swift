// The node's membership reactor (DESIGN.md, "Concurrency": a reactor per node feeds the cores events and interprets
// their effects): binds the gossip address (UDP and TCP on one port, like memberlist), loads the cluster key, and
// runs its loop and push-pull listener on threads the environment's executor hands it. The loop is in +Loop, the
// streams in +Streams; this file holds what other threads share with them.
import Coding
public import Membership
public import Primitives
import Synchronization

/// One node's SWIM + Lifeguard membership on the network, with Vivaldi coordinates and sealed gossip.
public final class MembershipReactor: Sendable {
    /// The most executor threads one reactor holds at once: its loop, its listener, and the push-pull exchanges
    /// in flight each way.
    public static let threadCountMax = 2 + outgoingExchangesMax + incomingExchangesMax
    /// Push-pulls this node opens at once; more are failed at once (the next round retries).
    static let outgoingExchangesMax = 4
    /// Push-pulls from others answered at once; more connections are closed unanswered.
    static let incomingExchangesMax = 4
    /// The longest the loop blocks in a receive, so messages from stream threads wait at most this long.
    static let inboxPollTicks = 20 * Instant.ticksPerSecond / 1000
    /// How often the key file is checked for a change.
    static let keyFileCheckTicks = 2 * Instant.ticksPerSecond
    /// How often the volumes' free space is measured (a change spreads as new metadata).
    static let metadataRefreshTicks = 60 * Instant.ticksPerSecond

    /// What stream threads hand the loop.
    enum Message: Sendable {
        /// The member an outgoing push-pull went to answered with this sealed frame.
        case answered(envelope: [UInt8], from: GossipAddress, peer: DatagramAddress)
        /// An outgoing push-pull failed.
        case failed(GossipAddress)
        /// A member opened a push-pull with this sealed frame; the loop pushes the sealed answer (nil: none).
        case opened(envelope: [UInt8], peer: DatagramAddress, reply: any HandOverQueue<[UInt8]?>)
        /// Leave the region gracefully.
        case leave
        /// Read the key file again (SIGHUP).
        case reloadKeys
    }

    /// What the loop and the stream threads share.
    struct Shared: Sendable {
        var inbox: [Message] = []
        var snapshot: MembershipSnapshot
        /// The cluster keys as last loaded: internal HTTP credentials derive from them.
        var keyring: ClusterKeyring
        var isStopping = false
        var outgoingCount = 0
        var incomingCount = 0
    }

    /// The gossip address other members reach this node at (the bound port, when the configuration said 0).
    public let gossipAddress: GossipAddress
    /// The protocol timings.
    public let configuration: MembershipConfiguration
    let shared: Mutex<Shared>
    let environment: NodeEnvironment
    let log: @Sendable (String) -> Void
    let listener: any StreamListener
    /// The loop's state until `start()` hands it to its thread.
    private let pendingLoop: Mutex<ReactorLoop?>
    private let runs: Mutex<ExecutorRun<Void>?>
    /// Connect, read and write deadline of one push-pull exchange.
    let streamTimeoutTicks: Int64

    /// Loads the key file, binds the gossip address and prepares the core; nothing runs until `start()`.
    ///
    /// `httpAddress` is what this node advertises for its HTTP API, `internalAddress` for its internal API (the
    /// same unless the region has certificates); `volumeSpace` measures its volumes (called on
    /// the reactor's thread, at start and every minute). Errors name the key file or the address at fault.
    public init(
        settings: NodeConfiguration.Cluster, nodeID: NodeID, site: SiteID, httpAddress: GossipAddress,
        internalAddress: GossipAddress? = nil, softwareVersion: String, environment: NodeEnvironment,
        volumeSpace: @escaping @Sendable () -> [VolumeFreeSpace], log: @escaping @Sendable (String) -> Void
    ) throws(NodeError) {
        try settings.validate()
        configuration = settings.membershipConfiguration
        self.environment = environment
        self.log = log
        let (keyring, keyText) = try ClusterKeyFile.load(settings.keyFile, disk: environment.disk)
        let requested = try settings.gossipAddress
        let (listener, datagrams) = try Self.bind(
            host: requested.host, port: requested.port, network: environment.network,
            datagramByteCountMax: configuration.datagramBytesMax + GossipEnvelope.overheadByteCount)
        self.listener = listener
        gossipAddress = GossipAddress(host: requested.host, port: UInt16(listener.localAddress.port))
        let metadata = MemberMetadata(
            nodeID: nodeID, territory: try settings.territoryID, site: site, gossipAddress: gossipAddress,
            httpAddress: httpAddress, internalAddress: internalAddress,
            volumes: Array(volumeSpace().prefix(MemberMetadata.volumesMax)),
            softwareVersion: String(softwareVersion.utf8.prefix(MemberMetadata.softwareVersionBytesMax)) ?? "",
            metadataVersion: 1)
        let seeds = try settings.seedAddresses.map { GossipAddress(host: $0.host, port: UInt16($0.port)) }
        var generator = RandomSourceGenerator(environment.random)
        let core = MembershipCore(metadata: metadata, configuration: configuration, seed: environment.random.next())
        let gate = GossipGate(
            keyring: keyring, byteCountMax: PushPullStream.envelopeByteCountMax, using: &generator)
        streamTimeoutTicks = min(
            10 * Instant.ticksPerSecond, max(Instant.ticksPerSecond, 2 * configuration.probeIntervalTicks))
        shared = Mutex(Shared(snapshot: ReactorLoop.snapshot(of: core), keyring: keyring))
        pendingLoop = Mutex(
            ReactorLoop(
                core: core, gate: gate, datagrams: datagrams, seeds: seeds, keyFile: settings.keyFile,
                keyText: keyText, volumeSpace: volumeSpace, vivaldiSeed: environment.random.next()))
        runs = Mutex(nil)
    }

    /// Binds TCP first, then UDP on the same port (memberlist's order); with port 0 a port free for both is found.
    private static func bind(
        host: String, port: Int, network: any NetworkIO, datagramByteCountMax: Int
    ) throws(NodeError) -> (any StreamListener, any DatagramIO) {
        let attempts = port == 0 ? 8 : 1
        var lastError: SystemError?
        for _ in 0..<attempts {
            let listener: any StreamListener
            do {
                listener = try network.listenStreams(DatagramAddress(host: host, port: port))
            } catch {
                throw NodeError(.listen, "cannot listen for push-pull on \(host):\(port): \(error.reason)")
            }
            do {
                let datagrams = try network.bindDatagrams(
                    DatagramAddress(host: host, port: listener.localAddress.port),
                    datagramByteCountMax: datagramByteCountMax)
                return (listener, datagrams)
            } catch {
                listener.close()
                lastError = error
            }
        }
        throw NodeError(
            .listen, "cannot bind gossip datagrams on \(host):\(port): \(lastError?.reason ?? "no free port")")
    }

    /// Starts the loop and the push-pull listener on two executor threads and joins the region through the seeds.
    public func start() throws(NodeError) {
        guard
            let loop = pendingLoop.withLock({ loop in
                defer { loop = nil }
                return loop
            })
        else { return }
        let run = environment.executor.startAlongside([
            { [self] in
                var loop = loop
                loop.run(self)
            },
            { [self] in acceptLoop() },
        ])
        guard let run else {
            throw NodeError(.listen, "no thread is free for the membership reactor (the executor is full or stopped)")
        }
        runs.withLock { $0 = run }
    }

    /// The member list and counters as of the loop's last pass.
    public var snapshot: MembershipSnapshot { shared.withLock { $0.snapshot } }

    /// The cluster keys as last loaded (a reload replaces them).
    var keyring: ClusterKeyring { shared.withLock { $0.keyring } }

    /// Asks the loop to read the key file again (SIGHUP); a bad file is refused with a log line, the keys kept.
    public func reloadKeyFile() { post(.reloadKeys) }

    /// Leaves the region gracefully and stops: the leave is sent, given up to two probe intervals to spread (so
    /// the others see this node left, not dead), then the loop and listener stop and the sockets close. Blocks.
    public func leaveAndStop() {
        guard runs.withLock({ $0 }) != nil else {
            stop()
            return
        }
        post(.leave)
        let clock = environment.monotonicClock
        clock.sleep(until: clock.now().advanced(byTicks: 2 * configuration.probeIntervalTicks))
        stop()
    }

    /// Stops at once without leaving (the others will find this node dead). Blocks until the threads return;
    /// later calls do nothing.
    public func stop() {
        let wasStopping = shared.withLock { shared in
            defer { shared.isStopping = true }
            return shared.isStopping
        }
        guard !wasStopping else { return }
        if let run = runs.withLock({ run in
            defer { run = nil }
            return run
        }) {
            run.join()  // the loop closes the datagram endpoint, the accept loop the listener
            return
        }
        listener.close()
        pendingLoop.withLock { loop in
            loop?.datagrams.close()
            loop = nil
        }
    }

    /// Hands `message` to the loop.
    func post(_ message: Message) {
        shared.withLock { $0.inbox.append(message) }
    }

    /// Whether `stop()` was called.
    var isStopping: Bool { shared.withLock { $0.isStopping } }
}
