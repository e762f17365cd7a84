// The DICOM upper-layer protocol machine of one association (PS3.8 §9.2, Table 9-10), as a pure core: events and
// the time in, effects out. It owns the order PDUs may come in, the ARTIM timer, the idle limit and the contexts
// data may use; what to accept and what the data means are the local user's (the node's DIMSE service).
public import Primitives

/// One association, from either side.
public struct AssociationCore: Sendable {
    /// Which side opened the association: it decides the state after a release collision (AR-8).
    public enum Role: Sendable, Equatable {
        /// This side sent the A-ASSOCIATE-RQ.
        case requestor(AssociateRequest)
        /// The peer sent it.
        case acceptor
    }

    /// How long the core waits on a peer before giving up.
    public struct Timing: Sendable, Equatable {
        /// The ARTIM timer: for the request after a connection opens, and for the close after the end.
        public var artimTicks: Int64
        /// The longest an established association may send and receive nothing before it is aborted.
        public var idleTicks: Int64

        /// Makes timings.
        public init(artimTicks: Int64, idleTicks: Int64) {
            precondition(artimTicks > 0 && idleTicks > 0, "timers must be positive")
            self.artimTicks = artimTicks
            self.idleTicks = idleTicks
        }
    }

    /// The side this core plays.
    public let role: Role
    /// Its timers.
    public let timing: Timing
    /// Where the association is.
    public internal(set) var state = AssociationState.idle {
        // An association that is over has no contexts left to use.
        didSet { if state == .idle || state == .awaitingClose { acceptedContexts = [:] } }
    }
    /// The presentation contexts accepted, by identifier, once established.
    public internal(set) var acceptedContexts: [UInt8: PresentationContextResult] = [:]
    private var artimDeadline: Instant?
    private var idleDeadline: Instant?

    /// Makes the core of an association in Sta1.
    public init(role: Role, timing: Timing) {
        self.role = role
        self.timing = timing
    }

    /// Whether the requestor side is this one.
    public var isRequestor: Bool {
        if case .requestor = role { return true }
        return false
    }

    /// Starts a requestor: asks the driver to connect (Evt1, AE-1).
    public mutating func start(now: Instant) -> [AssociationEffect] {
        guard case .requestor = role, state == .idle else { return [] }
        state = .awaitingConnection
        artimDeadline = now.advanced(byTicks: timing.artimTicks)
        return [.connect, .setTimer(artimDeadline ?? now)]
    }

    /// Feeds one event; returns what the driver must do, in order. A local request the state does not allow (the
    /// peer aborted a moment before, say) is dropped: the user learns the end from the indication.
    public mutating func handle(_ event: AssociationEvent, now: Instant) -> [AssociationEffect] {
        var effects: [AssociationEffect] = []
        switch event {
        case .connected: connected(now, &effects)
        case .received(let pdu): received(pdu, now, &effects)
        case .receivedInvalid(let error): providerAbort(error, now, &effects)
        case .closed: closed(&effects)
        case .timerFired: timerFired(now, &effects)
        default: local(event, now, &effects)
        }
        return effects
    }

    // MARK: - Transport and timers

    private mutating func connected(_ now: Instant, _ effects: inout [AssociationEffect]) {
        switch (state, role) {
        case (.idle, .acceptor):  // Evt5, AE-5
            state = .awaitingRequest
            setARTIM(now, &effects)
        case (.awaitingConnection, .requestor(let request)):  // Evt2, AE-2
            state = .awaitingAcceptOrReject
            effects.append(.send(.associateRequest(request)))
            setARTIM(now, &effects)
        default: break
        }
    }

    private mutating func closed(_ effects: inout [AssociationEffect]) {
        switch state {
        case .idle: return
        case .awaitingRequest, .awaitingClose:  // Evt17: AA-5, AR-5
            break
        default:  // AA-4
            effects.append(.indicate(.aborted(.connectionLost)))
        }
        stopTimers(&effects)
        state = .idle
    }

    private mutating func timerFired(_ now: Instant, _ effects: inout [AssociationEffect]) {
        if let artimDeadline, now >= artimDeadline {  // Evt18: AA-2
            if state != .awaitingClose && state != .idle { effects.append(.indicate(.aborted(.timedOut))) }
            stopTimers(&effects)
            effects.append(.close)
            state = .idle
        } else if let idleDeadline, now >= idleDeadline {
            effects.append(.send(.abort(AssociationAbort(source: .serviceProvider, reason: .notSpecified))))
            effects.append(.indicate(.aborted(.timedOut)))
            enterAwaitingClose(now, &effects)
        } else if let deadline = nextDeadline {
            effects.append(.setTimer(deadline))  // Fired early or for a replaced deadline: wait for the next.
        }
    }

    // MARK: - Helpers shared by the transitions

    /// The earliest deadline running.
    private var nextDeadline: Instant? {
        [artimDeadline, idleDeadline].compactMap { $0 }.min()
    }

    mutating func setARTIM(_ now: Instant, _ effects: inout [AssociationEffect]) {
        artimDeadline = now.advanced(byTicks: timing.artimTicks)
        idleDeadline = nil
        effects.append(.setTimer(artimDeadline ?? now))
    }

    /// Pushes the idle deadline back after traffic, while established or releasing.
    mutating func touch(_ now: Instant, _ effects: inout [AssociationEffect]) {
        let first = idleDeadline == nil
        idleDeadline = now.advanced(byTicks: timing.idleTicks)
        // The driver's timer only needs moving when none ran; an early firing re-arms itself (timerFired).
        if first, let deadline = nextDeadline { effects.append(.setTimer(deadline)) }
    }

    mutating func stopTimers(_ effects: inout [AssociationEffect]) {
        if artimDeadline != nil || idleDeadline != nil { effects.append(.cancelTimer) }
        artimDeadline = nil
        idleDeadline = nil
    }

    /// Sta13 with ARTIM running: the association is over and the transport is left to close (AA-1, AA-8, AR-4).
    mutating func enterAwaitingClose(_ now: Instant, _ effects: inout [AssociationEffect]) {
        state = .awaitingClose
        setARTIM(now, &effects)
    }

    /// AA-8 (and AA-1 on a protocol error in Sta2): A-ABORT from the provider with the error's reason.
    mutating func providerAbort(_ error: DIMSEError, _ now: Instant, _ effects: inout [AssociationEffect]) {
        switch state {
        case .idle: return
        case .awaitingConnection:
            stopTimers(&effects)
            effects.append(.close)
            state = .idle
            return
        case .awaitingClose: return  // AA-6/AA-7 handled by received; an invalid PDU now changes nothing.
        case .awaitingRequest: break
        default: effects.append(.indicate(.aborted(.protocolError(error))))
        }
        effects.append(.send(.abort(AssociationAbort(source: .serviceProvider, reason: error.abortReason))))
        enterAwaitingClose(now, &effects)
    }
}
