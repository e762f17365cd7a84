// The reactor's loop, on one executor thread: fires due timers, drains what stream threads posted, receives one
// datagram with a deadline at the next timer, and carries out the core's effects (seal and send, set timers,
// publish member changes, feed Vivaldi). Time comes only from the environment's monotonic clock.
import Coding
import Membership
import Primitives
import Synchronization

/// A timer of the reactor: the core's, or one of its own.
enum ReactorTimer: Sendable {
    /// A timer the core set.
    case membership(MembershipTimer)
    /// Check whether the key file changed.
    case keyFileCheck
    /// Measure the volumes' free space again.
    case metadataRefresh
}

/// Everything the loop owns; built by the reactor, moved onto the loop's thread by `start()`.
struct ReactorLoop: Sendable {
    var core: MembershipCore
    var gate: GossipGate
    let datagrams: any DatagramIO
    let seeds: [GossipAddress]
    let keyFile: String
    var keyText: String
    let volumeSpace: @Sendable () -> [VolumeFreeSpace]
    var vivaldi: VivaldiNode
    var filter = RoundTripFilter()
    var timers = TimerHeap<ReactorTimer>()
    var coordinates: [NodeID: VivaldiCoordinate] = [:]
    var lastHeard: [NodeID: Instant] = [:]
    var undecodableCount: UInt64 = 0
    var oversizedCount: UInt64 = 0
    var isSnapshotStale = true
    var publishedAt = Instant.zero
    /// At most one log line a minute per sender about content that did not decode.
    var decodeLogThrottle = LogThrottle<DatagramAddress>()

    /// The longest a snapshot goes unrefreshed (incarnations and counters change without a member change).
    static let publishIntervalTicks = Instant.ticksPerSecond / 5

    init(
        core: MembershipCore, gate: GossipGate, datagrams: any DatagramIO, seeds: [GossipAddress], keyFile: String,
        keyText: String, volumeSpace: @escaping @Sendable () -> [VolumeFreeSpace], vivaldiSeed: UInt64
    ) {
        self.core = core
        self.gate = gate
        self.datagrams = datagrams
        self.seeds = seeds
        self.keyFile = keyFile
        self.keyText = keyText
        self.volumeSpace = volumeSpace
        vivaldi = VivaldiNode(seed: vivaldiSeed)
    }

    /// Runs until the reactor stops, then closes the datagram endpoint.
    mutating func run(_ reactor: MembershipReactor) {
        let clock = reactor.environment.monotonicClock
        var buffer = [UInt8](repeating: 0, count: datagrams.datagramByteCountMax)
        let start = clock.now()
        handle(.coordinateChanged(vivaldi.coordinate.probeCoordinate), now: start, reactor: reactor)
        handle(.started(seeds: seeds), now: start, reactor: reactor)
        timers.insert(.keyFileCheck, at: start.advanced(byTicks: MembershipReactor.keyFileCheckTicks))
        timers.insert(.metadataRefresh, at: start.advanced(byTicks: MembershipReactor.metadataRefreshTicks))
        while true {
            let (messages, isStopping) = reactor.shared.withLock { shared in
                defer { shared.inbox.removeAll() }
                return (shared.inbox, shared.isStopping)
            }
            if isStopping {
                for case .opened(_, _, let reply) in messages { reply.push(nil) }
                break
            }
            var now = clock.now()
            for message in messages { receive(message, now: now, reactor: reactor) }
            while let timer = timers.popDue(now: now) {
                fire(timer, now: now, reactor: reactor)
                now = clock.now()
            }
            if isSnapshotStale || now.ticks(since: publishedAt) >= Self.publishIntervalTicks {
                publish(reactor, now: now)
            }
            var deadline = now.advanced(byTicks: MembershipReactor.inboxPollTicks)
            if let due = timers.nextDue, due < deadline { deadline = due }
            receiveDatagram(into: &buffer, deadline: deadline, clock: clock, reactor: reactor)
        }
        datagrams.close()
    }

    // MARK: - Input

    private mutating func receiveDatagram(
        into buffer: inout [UInt8], deadline: Instant, clock: any TimeSource, reactor: MembershipReactor
    ) {
        let receipt: DatagramReceipt?
        do {
            receipt = try buffer.withUnsafeMutableBytes { buffer throws(SystemError) in
                try datagrams.receive(into: buffer, deadline: deadline)
            }
        } catch {
            reactor.log("gossip receive failed: \(error)")
            clock.sleep(until: deadline)
            return
        }
        guard let receipt else { return }
        let now = clock.now()
        guard !receipt.isTruncated else {
            oversizedCount += 1
            return
        }
        let verdict = buffer.withUnsafeBytes { bytes in
            gate.open(
                UnsafeRawBufferPointer(rebasing: bytes[..<receipt.byteCount]), aad: PushPullStream.datagramAAD,
                from: receipt.source, now: now)
        }
        switch verdict {
        case .dropped(let refusal, let shouldLog):
            if shouldLog { reactor.log("gossip from \(receipt.source) dropped: \(refusal)") }
            isSnapshotStale = true
        case .accepted(let opened):
            let datagram: GossipDatagram
            do {
                datagram = try GossipCodec.decodeDatagram(
                    opened.plaintext, bytesMax: core.configuration.datagramBytesMax)
            } catch {
                undecodableCount += 1
                if decodeLogThrottle.shouldLog(sender: receipt.source, now: now) {
                    reactor.log("gossip from \(receipt.source) did not decode: \(error)")
                }
                return
            }
            if let source = datagram.probe.map(Self.source) { lastHeard[source] = now }
            let sender = GossipAddress(host: receipt.source.host, port: UInt16(receipt.source.port))
            handle(.received(datagram, from: sender), now: now, reactor: reactor)
        }
    }

    private mutating func receive(_ message: MembershipReactor.Message, now: Instant, reactor: MembershipReactor) {
        switch message {
        case .answered(let envelope, let address, let peer):
            guard let state = openState(envelope, peer: peer, now: now, reactor: reactor) else {
                handle(.pushPullFailed(address), now: now, reactor: reactor)
                return
            }
            lastHeard[state.source] = now
            handle(.pushPullAnswered(state, from: address), now: now, reactor: reactor)
        case .failed(let address):
            handle(.pushPullFailed(address), now: now, reactor: reactor)
        case .opened(let envelope, let peer, let reply):
            guard let state = openState(envelope, peer: peer, now: now, reactor: reactor) else {
                reply.push(nil)
                return
            }
            lastHeard[state.source] = now
            let sender = GossipAddress(host: peer.host, port: UInt16(peer.port))
            let effects = core.handle(.pushPullOpened(state, by: sender), now: now)
            var answer: [UInt8]?
            for effect in effects {
                if case .answerPushPull(_, let state) = effect {
                    var generator = RandomSourceGenerator(reactor.environment.random)
                    answer = gate.seal(
                        PushPullStream.plaintext(state), aad: PushPullStream.streamAAD, using: &generator)
                } else {
                    carryOut(effect, now: now, reactor: reactor)
                }
            }
            reply.push(answer)
        case .leave:
            handle(.leaveRequested, now: now, reactor: reactor)
        case .reloadKeys:
            reloadKeys(reactor: reactor, isSignal: true)
        }
    }

    /// Opens and decodes a sealed push-pull frame; nil (counted, and logged at most once a minute per peer) when
    /// it fails.
    private mutating func openState(
        _ envelope: [UInt8], peer: DatagramAddress, now: Instant, reactor: MembershipReactor
    ) -> PushPullState? {
        isSnapshotStale = true
        switch gate.open(envelope, aad: PushPullStream.streamAAD, from: peer, now: now) {
        case .dropped(let refusal, let shouldLog):
            if shouldLog { reactor.log("push-pull from \(peer) dropped: \(refusal)") }
            return nil
        case .accepted(let opened):
            do {
                return try PushPullStream.state(from: opened.plaintext)
            } catch {
                undecodableCount += 1
                if decodeLogThrottle.shouldLog(sender: peer, now: now) {
                    reactor.log("push-pull from \(peer) did not decode: \(error)")
                }
                return nil
            }
        }
    }

    /// The member that sent a probe message.
    static func source(of probe: ProbeMessage) -> NodeID {
        switch probe {
        case .ping(_, let source, _), .pingRequest(_, let source, _, _), .ack(_, let source, _), .nack(_, let source):
            source
        }
    }

    // MARK: - Timers

    private mutating func fire(_ timer: ReactorTimer, now: Instant, reactor: MembershipReactor) {
        switch timer {
        case .membership(let timer):
            handle(.timerFired(timer), now: now, reactor: reactor)
        case .keyFileCheck:
            timers.insert(.keyFileCheck, at: now.advanced(byTicks: MembershipReactor.keyFileCheckTicks))
            reloadKeys(reactor: reactor, isSignal: false)
        case .metadataRefresh:
            timers.insert(.metadataRefresh, at: now.advanced(byTicks: MembershipReactor.metadataRefreshTicks))
            refreshMetadata(now: now, reactor: reactor)
        }
    }

    /// Reads the key file; a changed (or, on a signal, any) valid file replaces the keyring, a bad one is refused.
    private mutating func reloadKeys(reactor: MembershipReactor, isSignal: Bool) {
        let text: String
        do {
            text = try ClusterKeyFile.read(keyFile, disk: reactor.environment.disk)
        } catch {
            if isSignal || keyText != "" { reactor.log("\(error); keeping the current cluster keys") }
            if !isSignal { keyText = "" }
            return
        }
        guard isSignal || text != keyText else { return }
        keyText = text
        do {
            let keyring = try ClusterKeyring.parse(fileText: text)
            if keyring != gate.keyring {
                gate.keyring = keyring
                reactor.shared.withLock { $0.keyring = keyring }
                reactor.log(
                    "cluster keys reloaded from \(keyFile): sealing with \(keyring.primary), accepting "
                        + "\(keyring.keys.count) keys")
            } else if isSignal {
                reactor.log("cluster key file \(keyFile) reread: the keys are unchanged")
            }
        } catch {
            reactor.log("cluster key file \(keyFile) refused: \(error); keeping the current cluster keys")
        }
    }

    /// Measures the volumes again; a change of the set or of any volume's free space by more than 1 % of its size
    /// spreads as new metadata.
    private mutating func refreshMetadata(now: Instant, reactor: MembershipReactor) {
        var metadata = core.localMember.metadata
        let volumes = Array(volumeSpace().prefix(MemberMetadata.volumesMax))
        let isChanged =
            volumes.count != metadata.volumes.count
            || zip(volumes, metadata.volumes).contains { new, old in
                new.volumeID != old.volumeID || new.bytesTotal != old.bytesTotal
                    || (new.bytesFree > old.bytesFree ? new.bytesFree - old.bytesFree : old.bytesFree - new.bytesFree)
                        > new.bytesTotal / 100
            }
        guard isChanged else { return }
        metadata.volumes = volumes
        metadata.metadataVersion += 1
        handle(.metadataChanged(metadata), now: now, reactor: reactor)
    }

    // MARK: - Effects

    private mutating func handle(_ event: MembershipCore.Event, now: Instant, reactor: MembershipReactor) {
        for effect in core.handle(event, now: now) { carryOut(effect, now: now, reactor: reactor) }
    }

    private mutating func carryOut(_ effect: MembershipCore.Effect, now: Instant, reactor: MembershipReactor) {
        switch effect {
        case .send(let bytes, let target):
            var generator = RandomSourceGenerator(reactor.environment.random)
            let envelope = gate.seal(bytes, aad: PushPullStream.datagramAAD, using: &generator)
            // A lost datagram is what SWIM expects; a failed send is one.
            try? datagrams.send(envelope, to: DatagramAddress(host: target.host, port: Int(target.port)))
        case .openPushPull(let address, let state):
            var generator = RandomSourceGenerator(reactor.environment.random)
            let envelope = gate.seal(PushPullStream.plaintext(state), aad: PushPullStream.streamAAD, using: &generator)
            reactor.openPushPull(envelope, to: address)
        case .answerPushPull:
            break  // answered where `pushPullOpened` is handled, on the stream that asked
        case .setTimer(let timer, let instant):
            timers.insert(.membership(timer), at: instant)
        case .memberChanged(let change):
            isSnapshotStale = true
            report(change, reactor: reactor)
        case .roundTripMeasured(let node, let ticks, let payload):
            // A peer's coordinate is input: one that decodes but is implausible is neither kept nor used.
            guard let remote = VivaldiCoordinate(probe: payload), remote.isPlausible else { return }
            coordinates[node] = remote
            let rttSeconds = filter.add(Double(ticks) / Double(Instant.ticksPerSecond), for: node)
            vivaldi.observe(remote: remote, rttSeconds: rttSeconds)
            _ = core.handle(.coordinateChanged(vivaldi.coordinate.probeCoordinate), now: now)
        }
    }

    /// Logs a change of the member list and forgets the per-member state of a reaped member.
    private mutating func report(_ change: MemberChange, reactor: MembershipReactor) {
        switch change {
        case .joined(let member):
            reactor.log(
                "member \(member.nodeID) joined (site \(member.metadata.site), gossip \(member.metadata.gossipAddress),"
                    + " \(member.status))")
        case .statusChanged(let node, let status, let incarnation):
            let who = node == core.localNode ? "this node" : "member \(node)"
            reactor.log("\(who) is \(status) at incarnation \(incarnation)")
        case .metadataChanged:
            break
        case .reaped(let node):
            filter.forget(node)
            coordinates[node] = nil
            lastHeard[node] = nil
            reactor.log("member \(node) forgotten")
        }
    }

    // MARK: - Snapshot

    private mutating func publish(_ reactor: MembershipReactor, now: Instant) {
        var snapshot = Self.snapshot(of: core)
        for index in snapshot.rows.indices {
            let node = snapshot.rows[index].nodeID
            guard node != core.localNode else { continue }
            snapshot.rows[index].lastHeard = lastHeard[node]
            if let coordinate = coordinates[node] {
                snapshot.rows[index].rttMilliseconds = 1000 * vivaldi.estimatedRTTSeconds(to: coordinate)
            }
        }
        var drops: [GossipDropCauseName: UInt64] = [:]
        for cause in GossipDropCause.allCases { drops[cause.description] = gate.dropCounts[cause] }
        drops[GossipDropCause.oversized.description, default: 0] += oversizedCount
        snapshot.dropCounts = drops
        snapshot.undecodableCount = undecodableCount
        reactor.shared.withLock { $0.snapshot = snapshot }
        isSnapshotStale = false
        publishedAt = now
    }

    /// The core's member list as a snapshot without RTTs, times heard or counters.
    static func snapshot(of core: MembershipCore) -> MembershipSnapshot {
        let rows = core.members.values.sorted { $0.nodeID < $1.nodeID }.map {
            MembershipSnapshot.Row(
                nodeID: $0.nodeID, status: $0.status, incarnation: $0.incarnation, metadata: $0.metadata,
                rttMilliseconds: nil, lastHeard: nil)
        }
        return MembershipSnapshot(
            localNodeID: core.localNode, localIncarnation: core.localMember.incarnation, isJoined: core.isJoined,
            rows: rows, dropCounts: [:], undecodableCount: 0, pushPullFailureCount: core.pushPullFailureCount)
    }
}
