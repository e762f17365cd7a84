// Push-pull over TCP, off the loop's thread so a hung peer never stalls probing: outgoing exchanges run as executor
// jobs that post the sealed answer back to the loop; the listener accepts on its own executor thread and hands
// each connection to a job that posts the sealed state and writes the loop's sealed answer. Every wait has a
// deadline and the exchanges in flight are bounded each way.
import Membership
import Primitives
import Synchronization

extension MembershipReactor {
    /// Starts an outgoing push-pull of `envelope` (sealed by the loop) to `address`; failed at once when too many
    /// are in flight or no thread is free.
    func openPushPull(_ envelope: [UInt8], to address: GossipAddress) {
        let isAdmitted = shared.withLock { shared in
            guard shared.outgoingCount < Self.outgoingExchangesMax else { return false }
            shared.outgoingCount += 1
            return true
        }
        guard isAdmitted else {
            post(.failed(address))
            return
        }
        let started = environment.executor.startAlongside([{ [self] in exchange(envelope, with: address) }])
        if started == nil {
            shared.withLock { $0.outgoingCount -= 1 }
            post(.failed(address))
        }
    }

    /// Connects, sends the state, reads the answer; posts the outcome.
    private func exchange(_ envelope: [UInt8], with address: GossipAddress) {
        defer { shared.withLock { $0.outgoingCount -= 1 } }
        let peer = DatagramAddress(host: address.host, port: Int(address.port))
        let deadline = environment.monotonicClock.now().advanced(byTicks: streamTimeoutTicks)
        let connection: any StreamConnection
        do {
            connection = try environment.network.connectStream(to: peer, deadline: deadline)
        } catch {
            post(.failed(address))
            return
        }
        defer { connection.close() }
        do {
            try PushPullStream.write(envelope, to: connection, deadline: deadline)
            let answer = try PushPullStream.read(from: connection, deadline: deadline)
            post(.answered(envelope: answer, from: address, peer: peer))
        } catch {
            post(.failed(address))
        }
    }

    /// Accepts push-pull connections until the reactor stops, then closes the listener.
    func acceptLoop() {
        let clock = environment.monotonicClock
        while !isStopping {
            let connection: (any StreamConnection)?
            do {
                connection = try listener.acceptConnection(
                    deadline: clock.now().advanced(byTicks: 5 * Self.inboxPollTicks))
            } catch {
                log("push-pull accept failed: \(error)")
                clock.sleep(until: clock.now().advanced(byTicks: 5 * Self.inboxPollTicks))
                continue
            }
            guard let connection else { continue }
            let isAdmitted = shared.withLock { shared in
                guard shared.incomingCount < Self.incomingExchangesMax else { return false }
                shared.incomingCount += 1
                return true
            }
            guard isAdmitted else {
                connection.close()
                continue
            }
            let started = environment.executor.startAlongside([{ [self] in answer(connection) }])
            if started == nil {
                shared.withLock { $0.incomingCount -= 1 }
                connection.close()
            }
        }
        listener.close()
    }

    /// Reads a member's state, hands it to the loop, and writes back the loop's answer.
    private func answer(_ connection: any StreamConnection) {
        defer {
            connection.close()
            shared.withLock { $0.incomingCount -= 1 }
        }
        let deadline = environment.monotonicClock.now().advanced(byTicks: streamTimeoutTicks)
        let envelope: [UInt8]
        do {
            envelope = try PushPullStream.read(from: connection, deadline: deadline)
        } catch {
            return
        }
        let reply: any HandOverQueue<[UInt8]?> = environment.executor.makeQueue(capacity: 1)
        let peer = DatagramAddress(host: connection.peerHost, port: 0)
        let isPosted = shared.withLock { shared in
            guard !shared.isStopping else { return false }
            shared.inbox.append(.opened(envelope: envelope, peer: peer, reply: reply))
            return true
        }
        guard isPosted, let answer = reply.pop() ?? nil else { return }
        try? PushPullStream.write(answer, to: connection, deadline: deadline)
    }
}
