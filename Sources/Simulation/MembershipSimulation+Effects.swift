// Carrying out a core's effects in the simulator: datagrams onto the SimNetwork, push-pull frames onto a reliable
// delayed stream (failing under a partition, a crash or a pause), timers mapped from local to true time through the
// node's SimClock, status changes into the observations, and measured round trips into the node's Vivaldi state.
import Membership
import Primitives

extension MembershipSimulation {
    mutating func carry(_ effect: MembershipCore.Effect, from node: Int, local: Instant) {
        switch effect {
        case .send(let bytes, let address):
            guard let target = topology.node(at: address) else { return }
            if isTracing { traceBytes(bytes, to: target) }
            let delivery = network.transmit(byteCount: bytes.count, from: node, to: target, atTicks: nowTicks)
            if let arrival = delivery.arrivalTicks {
                queue.push(.datagram(to: target, bytes: bytes, from: node), at: arrival)
            }
            if let duplicate = delivery.duplicateTicks {
                queue.push(.datagram(to: target, bytes: bytes, from: node), at: duplicate)
            }
        case .openPushPull(let address, let state):
            guard let target = topology.node(at: address) else { return }
            openPushPull(from: node, to: target, frame: encodeFrame(state, of: node))
        case .answerPushPull(let address, let state):
            guard let opener = topology.node(at: address) else { return }
            let frame = encodeFrame(state, of: node)
            guard let arrival = network.streamArrival(byteCount: frame.count, from: node, to: opener, atTicks: nowTicks)
            else {
                failPushPull(
                    of: opener, generation: answeringGeneration, peer: node,
                    afterTicks: network.configuration.streamTimeoutTicks)
                return
            }
            queue.push(
                .pushPullAnswered(to: opener, generation: answeringGeneration, frame: frame, from: node), at: arrival)
        case .setTimer(let timer, let instant):
            let fireTicks = clocks[node].trueTicks(reaching: instant, notBefore: nowTicks)
            queue.push(.timer(node, generation: generations[node], timer), at: fireTicks)
        case .memberChanged(.statusChanged(let subjectID, let status, let incarnation)):
            guard let subject = topology.node(withID: subjectID), subject != node else { return }
            observations.statusChanges.append(
                StatusObservation(
                    trueTicks: nowTicks, observer: node, subject: subject, status: status, incarnation: incarnation))
        case .memberChanged:
            break
        case .roundTripMeasured(_, let ticks, let coordinate):
            guard let remote = VivaldiCoordinate(probe: coordinate) else { return }
            let rttSeconds = Double(ticks) / Double(Instant.ticksPerSecond)
            guard vivaldi[node].observe(remote: remote, rttSeconds: rttSeconds) != .rejectedRTT else { return }
            deliver(.coordinateChanged(vivaldi[node].coordinate.probeCoordinate), to: node)
        }
    }

    /// Opens a push-pull stream: refused at once by a crashed or stopped node (a reset after one round trip),
    /// timed out by a paused node or across a partition, otherwise delivered after the handshake and the bytes.
    private mutating func openPushPull(from node: Int, to target: Int, frame: [UInt8]) {
        let timeoutTicks = network.configuration.streamTimeoutTicks
        switch phases[target] {
        case .idle, .crashed, .stopped:
            failPushPull(
                of: node, generation: generations[node], peer: target,
                afterTicks: 2 * topology.oneWayTicks(from: node, to: target))
        case .paused:
            failPushPull(of: node, generation: generations[node], peer: target, afterTicks: timeoutTicks)
        case .running:
            guard let arrival = network.streamArrival(byteCount: frame.count, from: node, to: target, atTicks: nowTicks)
            else {
                failPushPull(of: node, generation: generations[node], peer: target, afterTicks: timeoutTicks)
                return
            }
            queue.push(
                .pushPullOpened(to: target, frame: frame, by: node, openerGeneration: generations[node]), at: arrival)
        }
    }

    /// Tells `node` (if still in `generation`) that its push-pull with `peer` failed, `afterTicks` from now.
    mutating func failPushPull(of node: Int, generation: UInt32, peer: Int, afterTicks: Int64) {
        queue.push(.pushPullFailed(to: node, generation: generation, peer: peer), at: nowTicks + afterTicks)
    }

    /// Folds a sent datagram into the trace digest, eight bytes at a time.
    private mutating func traceBytes(_ bytes: [UInt8], to target: Int) {
        var word = UInt64(bytes.count) << 32 | UInt64(target)
        for (index, byte) in bytes.enumerated() {
            word = word << 8 | UInt64(byte)
            if index % 8 == 7 { trace(word) }
        }
        trace(word)
    }
}
