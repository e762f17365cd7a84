// Goal: AssociationCore follows PS3.8 Table 9-10: establishment from both sides, data only on accepted contexts,
// release and release collisions, aborts from either side, ARTIM and the idle limit. Method: events fed with an
// explicit `now`, effects and states checked after each; then a seeded random walk over every event, checking that
// the core never traps and that an association that closed its transport is idle.
import DIMSE
import Primitives
import Testing

struct AssociationCoreTests {
    static let timing = AssociationCore.Timing(artimTicks: 30_000_000, idleTicks: 300_000_000)
    static let t0 = Instant(ticks: 1_000)

    static func accept() throws -> AssociateAccept {
        AssociateAccept(
            calledAETitle: try AETitle("TESSERA"), callingAETitle: try AETitle("STORESCU"),
            presentationContexts: [
                .init(id: 1, outcome: .acceptance, transferSyntax: "1.2.840.10008.1.2"),
                .init(id: 3, outcome: .abstractSyntaxNotSupported, transferSyntax: ""),
            ], userInformation: UserInformation(maximumLength: 16384, implementationClassUID: "1.2.3"))
    }

    static func data(_ context: UInt8) -> [PresentationDataValue] {
        [PresentationDataValue(contextID: context, isCommand: true, isLast: true, bytes: [1, 2])]
    }

    /// An acceptor core brought to Sta6.
    static func establishedAcceptor() throws -> AssociationCore {
        var core = AssociationCore(role: .acceptor, timing: timing)
        _ = core.handle(.connected, now: t0)
        _ = core.handle(.received(.associateRequest(try PDUCodecTests.request())), now: t0)
        _ = core.handle(.userAccepted(try accept()), now: t0)
        #expect(core.state == .established)
        return core
    }

    @Test("an acceptor: connection, request, accept, data both ways, the peer's release")
    func acceptorLifecycle() throws {
        var core = AssociationCore(role: .acceptor, timing: Self.timing)
        #expect(core.handle(.connected, now: Self.t0) == [.setTimer(Self.t0.advanced(byTicks: 30_000_000))])
        #expect(core.state == .awaitingRequest)
        let request = try PDUCodecTests.request()
        #expect(
            core.handle(.received(.associateRequest(request)), now: Self.t0) == [
                .cancelTimer, .indicate(.requested(request)),
            ])
        #expect(core.state == .awaitingLocalAssociateResponse)
        let accept = try Self.accept()
        #expect(
            core.handle(.userAccepted(accept), now: Self.t0) == [
                .send(.associateAccept(accept)), .setTimer(Self.t0.advanced(byTicks: 300_000_000)),
            ])
        #expect(core.acceptedContexts.keys.sorted() == [1])
        #expect(core.handle(.received(.data(Self.data(1))), now: Self.t0) == [.indicate(.data(Self.data(1)))])
        #expect(core.handle(.userSent(Self.data(1)), now: Self.t0) == [.send(.data(Self.data(1)))])
        #expect(core.handle(.received(.releaseRequest), now: Self.t0) == [.indicate(.releaseRequested)])
        #expect(core.state == .awaitingLocalReleaseResponse)
        // AR-7: the user may still send what it owes before it answers the release.
        #expect(core.handle(.userSent(Self.data(1)), now: Self.t0) == [.send(.data(Self.data(1)))])
        let later = Self.t0.advanced(byTicks: 5)
        #expect(
            core.handle(.userReleased, now: later) == [
                .send(.releaseResponse), .setTimer(later.advanced(byTicks: 30_000_000)),
            ])
        #expect(core.state == .awaitingClose)
        #expect(core.handle(.closed, now: later) == [.cancelTimer])
        #expect(core.state == .idle)
    }

    @Test("a requestor: connect, request, accept, its own release")
    func requestorLifecycle() throws {
        let request = try PDUCodecTests.request()
        var core = AssociationCore(role: .requestor(request), timing: Self.timing)
        #expect(core.start(now: Self.t0) == [.connect, .setTimer(Self.t0.advanced(byTicks: 30_000_000))])
        #expect(
            core.handle(.connected, now: Self.t0) == [
                .send(.associateRequest(request)), .setTimer(Self.t0.advanced(byTicks: 30_000_000)),
            ])
        let accept = try Self.accept()
        #expect(
            core.handle(.received(.associateAccept(accept)), now: Self.t0) == [
                .cancelTimer, .indicate(.accepted(accept)), .setTimer(Self.t0.advanced(byTicks: 300_000_000)),
            ])
        #expect(core.handle(.userRequestedRelease, now: Self.t0) == [.send(.releaseRequest)])
        // AR-6: data the peer still sends before its response is delivered.
        #expect(core.handle(.received(.data(Self.data(1))), now: Self.t0) == [.indicate(.data(Self.data(1)))])
        #expect(core.handle(.received(.releaseResponse), now: Self.t0) == [.cancelTimer, .indicate(.released), .close])
        #expect(core.state == .idle)
    }

    @Test("a rejected request is confirmed to the user and the transport closed")
    func rejected() throws {
        var core = AssociationCore(role: .requestor(try PDUCodecTests.request()), timing: Self.timing)
        _ = core.start(now: Self.t0)
        _ = core.handle(.connected, now: Self.t0)
        let reject = AssociateReject.calledAETitleNotRecognized
        #expect(
            core.handle(.received(.associateReject(reject)), now: Self.t0) == [
                .cancelTimer, .indicate(.rejected(reject)), .close,
            ])
        #expect(core.state == .idle)
    }

    @Test("release collisions end in release on both sides (AR-8, AR-9, AR-10)")
    func releaseCollision() throws {
        let request = try PDUCodecTests.request()
        var requestor = AssociationCore(role: .requestor(request), timing: Self.timing)
        _ = requestor.start(now: Self.t0)
        _ = requestor.handle(.connected, now: Self.t0)
        _ = requestor.handle(.received(.associateAccept(try Self.accept())), now: Self.t0)
        var acceptor = try Self.establishedAcceptor()
        _ = requestor.handle(.userRequestedRelease, now: Self.t0)
        _ = acceptor.handle(.userRequestedRelease, now: Self.t0)
        _ = requestor.handle(.received(.releaseRequest), now: Self.t0)
        _ = acceptor.handle(.received(.releaseRequest), now: Self.t0)
        #expect(requestor.state == .collisionRequestorAwaitingLocal)
        #expect(acceptor.state == .collisionAcceptorAwaitingResponse)
        #expect(requestor.handle(.userReleased, now: Self.t0).first == .send(.releaseResponse))
        #expect(requestor.state == .collisionRequestorAwaitingResponse)
        #expect(acceptor.handle(.received(.releaseResponse), now: Self.t0) == [.indicate(.released)])
        #expect(acceptor.state == .collisionAcceptorAwaitingLocal)
        #expect(acceptor.handle(.userReleased, now: Self.t0).first == .send(.releaseResponse))
        #expect(acceptor.state == .awaitingClose)
        #expect(requestor.handle(.received(.releaseResponse), now: Self.t0).contains(.close))
        #expect(requestor.state == .idle)
    }

    @Test("data on a context not accepted, an unexpected PDU and an invalid one abort with their reasons")
    func protocolErrors() throws {
        var stray = try Self.establishedAcceptor()
        let effects = stray.handle(.received(.data(Self.data(3))), now: Self.t0)
        #expect(
            effects.contains(.send(.abort(AssociationAbort(source: .serviceProvider, reason: .invalidParameterValue)))))
        #expect(stray.state == .awaitingClose)
        var unexpected = try Self.establishedAcceptor()
        let again = unexpected.handle(.received(.associateRequest(try PDUCodecTests.request())), now: Self.t0)
        #expect(again.contains(.send(.abort(AssociationAbort(source: .serviceProvider, reason: .unexpectedPDU)))))
        // AA-7: a request arriving in Sta13 is answered with an abort; data there is ignored (AA-6).
        #expect(
            unexpected.handle(.received(.associateRequest(try PDUCodecTests.request())), now: Self.t0) == [
                .send(.abort(AssociationAbort(source: .serviceProvider, reason: .unexpectedPDU)))
            ])
        #expect(unexpected.handle(.received(.data(Self.data(1))), now: Self.t0) == [])
        var invalid = try Self.establishedAcceptor()
        let error = DIMSEError(.unrecognizedPDU, "unknown PDU type 0x9 at offset 0")
        let ended = invalid.handle(.receivedInvalid(error), now: Self.t0)
        #expect(ended.first == .indicate(.aborted(.protocolError(error))))
        #expect(ended.contains(.send(.abort(AssociationAbort(source: .serviceProvider, reason: .unrecognizedPDU)))))
    }

    @Test("a request for another protocol version is rejected by the provider (AE-6)")
    func protocolVersion() throws {
        var core = AssociationCore(role: .acceptor, timing: Self.timing)
        _ = core.handle(.connected, now: Self.t0)
        var request = try PDUCodecTests.request()
        request.protocolVersion = 2
        let effects = core.handle(.received(.associateRequest(request)), now: Self.t0)
        #expect(effects.contains(.send(.associateReject(.protocolVersionNotSupported))))
        #expect(core.state == .awaitingClose)
    }

    @Test("the peer's abort and a lost connection end the association with the reason")
    func peerEnds() throws {
        var aborted = try Self.establishedAcceptor()
        let abort = AssociationAbort.byUser
        #expect(
            aborted.handle(.received(.abort(abort)), now: Self.t0) == [
                .indicate(.aborted(.byPeer(abort))), .cancelTimer, .close,
            ])
        #expect(aborted.state == .idle)
        var lost = try Self.establishedAcceptor()
        #expect(lost.handle(.closed, now: Self.t0) == [.indicate(.aborted(.connectionLost)), .cancelTimer])
        var userAbort = try Self.establishedAcceptor()
        #expect(userAbort.handle(.userAborted, now: Self.t0).first == .send(.abort(.byUser)))
        #expect(userAbort.state == .awaitingClose)
    }

    @Test("ARTIM closes a connection that sends no request; an early firing re-arms the timer")
    func artim() {
        var core = AssociationCore(role: .acceptor, timing: Self.timing)
        let deadline = Self.t0.advanced(byTicks: 30_000_000)
        _ = core.handle(.connected, now: Self.t0)
        #expect(core.handle(.timerFired, now: Self.t0.advanced(byTicks: 10)) == [.setTimer(deadline)])
        #expect(core.handle(.timerFired, now: deadline).contains(.close))
        #expect(core.state == .idle)
    }

    @Test("an established association idle past its limit is aborted, then closed after ARTIM")
    func idleLimit() throws {
        var core = try Self.establishedAcceptor()
        let busy = Self.t0.advanced(byTicks: 200_000_000)
        _ = core.handle(.received(.data(Self.data(1))), now: busy)
        // The first deadline passes, but traffic moved the limit: the timer is set again for the new one.
        let first = Self.t0.advanced(byTicks: 300_000_000)
        #expect(core.handle(.timerFired, now: first) == [.setTimer(busy.advanced(byTicks: 300_000_000))])
        let idle = busy.advanced(byTicks: 300_000_000)
        let effects = core.handle(.timerFired, now: idle)
        #expect(
            effects.prefix(2) == [
                .send(.abort(AssociationAbort(source: .serviceProvider, reason: .notSpecified))),
                .indicate(.aborted(.timedOut)),
            ])
        #expect(core.state == .awaitingClose)
        #expect(core.handle(.timerFired, now: idle.advanced(byTicks: 30_000_000)).contains(.close))
        #expect(core.state == .idle)
    }

    @Test(
        "a seeded random walk never traps; closing leaves the core idle, an abort in Sta13, data on accepted contexts",
        arguments: [1, 2, 3, 4] as [UInt64])
    func randomWalk(seed: UInt64) throws {
        let request = try PDUCodecTests.request()
        let accept = try Self.accept()
        let events: [AssociationEvent] = [
            .connected, .received(.associateRequest(request)), .received(.associateAccept(accept)),
            .received(.associateReject(.noReasonGiven)), .received(.data(Self.data(1))),
            .received(.data(Self.data(3))), .received(.releaseRequest), .received(.releaseResponse),
            .received(.abort(.byUser)), .receivedInvalid(DIMSEError(.invalidParameter, "bad")), .closed, .timerFired,
            .userAccepted(accept), .userRejected(.noReasonGiven), .userRequestedRelease, .userReleased, .userAborted,
        ]
        var random = SeededRandom(seed: seed)
        for walk in 0..<200 {
            var core = AssociationCore(role: walk % 2 == 0 ? .acceptor : .requestor(request), timing: Self.timing)
            var now = Self.t0
            _ = core.start(now: now)
            for _ in 0..<40 {
                now = now.advanced(byTicks: Int64(random.next() % 40_000_000))
                var event = events[Int(random.next() % UInt64(events.count))]
                // The user only sends on accepted contexts (a precondition of the core).
                if random.next() % 5 == 0, let context = core.acceptedContexts.keys.first {
                    event = .userSent(Self.data(context))
                }
                let before = core.state
                let effects = core.handle(event, now: now)
                for effect in effects {
                    switch effect {
                    case .close: #expect(core.state == .idle, "\(event) in \(before), walk \(walk)")
                    case .send(.abort): #expect(core.state == .awaitingClose, "\(event) in \(before), walk \(walk)")
                    case .indicate(.data(let values)):
                        #expect(values.allSatisfy { core.acceptedContexts[$0.contextID] != nil })
                    case .send(.data):
                        #expect([.established, .awaitingLocalReleaseResponse].contains(before))
                    default: break
                    }
                }
            }
        }
    }
}
