// Reading requests on a server connection: the head within its deadlines, then the body as the responder pulls it,
// parsed from socket reads in slices no larger than the responder's buffer (or, for a counted body with nothing
// buffered, received straight into that buffer), under the slow-body guards.
import Glibc
import HTTP
import Posix
import Primitives

extension ServerConnection {
    /// Reads the next request head; nil when the connection should just close (idle timeout, client gone,
    /// server stopping). Throws an HTTPStatusError for a malformed head or one that came too slowly.
    func readHead() throws -> HTTPRequestHead? {
        parser = HTTPRequestParser(limits: configuration.limits)
        head = nil
        isRequestComplete = false
        bodyBytesParsed = 0
        pendingStart = 0
        pendingEnd = 0
        inputFailure = nil
        windowWaitTicks = 0
        windowBytes = 0
        // A new connection must start its request within the header timeout; a kept-alive one may idle longer.
        let idleSeconds =
            requestCount == 0
            ? min(configuration.idleTimeoutSeconds, configuration.headerTimeoutSeconds)
            : configuration.idleTimeoutSeconds
        let idleDeadline = clock.now().advanced(byTicks: ticks(seconds: idleSeconds))
        // Waiting for the first byte of a request: the accept loop may give this slot to a newcomer.
        if inputStart == inputEnd { activity.becomeIdle(now: clock.now()) }
        var headDeadline: Instant?
        while head == nil {
            if inputStart < inputEnd {
                if headDeadline == nil {
                    // The server evicted this connection before its request began: close without an answer.
                    guard activity.becomeBusy() else { return nil }
                    headDeadline = clock.now().advanced(byTicks: ticks(seconds: configuration.headerTimeoutSeconds))
                }
                try parseInput(bytesMax: Self.headSliceBytes)
                continue
            }
            if isStopping() { return nil }
            let received: Int?
            do {
                received = try receive(deadline: headDeadline ?? idleDeadline)
            } catch {
                isPeerGone = true
                return nil
            }
            guard let received else {
                if headDeadline == nil { return nil }
                throw ConnectionStatusError(
                    status: 408,
                    reason: "the request head did not arrive within \(configuration.headerTimeoutSeconds) seconds")
            }
            if received == 0 {
                isPeerGone = true
                return nil
            }
        }
        requestCount += 1
        if let seconds = configuration.bodyTimeoutSeconds {
            bodyDeadline = clock.now().advanced(byTicks: ticks(seconds: seconds))
        } else {
            bodyDeadline = nil
        }
        return head
    }

    /// Fills `buffer` with the next body bytes; 0 once the body ended. Errors are remembered, so every later read
    /// (and the server's answer) sees the first one.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let inputFailure { throw inputFailure }
        guard !buffer.isEmpty else { return 0 }
        if pendingStart < pendingEnd {
            let count = min(buffer.count, pendingEnd - pendingStart)
            buffer.baseAddress!.copyMemory(from: pending.baseAddress! + pendingStart, byteCount: count)
            pendingStart += count
            return count
        }
        if isRequestComplete { return 0 }
        target = buffer
        targetCount = 0
        defer { target = nil }
        do {
            if continueOwed { try sendContinue() }
            while targetCount == 0 && !isRequestComplete {
                if inputStart < inputEnd {
                    try parseInput(bytesMax: buffer.count)
                } else if let remaining = parser.countedBodyRemaining, remaining > 0 {
                    // Nothing buffered and a counted body: receive it straight into the responder's buffer, one
                    // copy fewer than through the input buffer and the parser.
                    let direct = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, remaining)])
                    let received = try receiveBody(into: direct)
                    if received == 0 { throw PeerGoneError(peer: stream.peerAddress) }
                    bodyBytesParsed += received
                    targetCount = received
                    isRequestComplete = parser.skipCountedBody(received)
                } else if try receiveBody() == 0 {
                    throw PeerGoneError(peer: stream.peerAddress)
                }
            }
        } catch {
            if error is PeerGoneError { isPeerGone = true }
            if let system = error as? SystemError, system.errno != ETIMEDOUT { isPeerGone = true }
            inputFailure = error
            throw error
        }
        return targetCount
    }

    /// Parses at most `bytesMax` unparsed input bytes; body bytes go to `target`, or to `pending` during the head.
    ///
    /// A de-chunked body is never longer than its raw bytes, so `bytesMax` bounds what one call produces: the
    /// responder's buffer in the body phase, `headSliceBytes` (pending's size) in the head phase.
    func parseInput(bytesMax: Int) throws {
        let count = min(bytesMax, inputEnd - inputStart)
        let slice = UnsafeRawBufferPointer(rebasing: input[inputStart..<(inputStart + count)])
        let consumed = try parser.parse(slice) { event in
            switch event {
            case .head(let parsed): head = parsed
            case .body(let bytes): keepBody(bytes)
            case .end: isRequestComplete = true
            }
        }
        inputStart += consumed
        if inputStart == inputEnd {
            inputStart = 0
            inputEnd = 0
        }
    }

    /// Copies body bytes the parser produced into the responder's buffer, or into `pending` before it asked.
    private func keepBody(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        bodyBytesParsed += bytes.count
        if let target {
            precondition(targetCount + bytes.count <= target.count, "the parser produced more than it was given")
            (target.baseAddress! + targetCount).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            targetCount += bytes.count
        } else {
            precondition(pendingEnd + bytes.count <= pending.count, "the parser produced more than it was given")
            (pending.baseAddress! + pendingEnd).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            pendingEnd += bytes.count
        }
    }

    /// Receives into `destination`, or the (empty) input buffer when it is nil, until `deadline`; nil when the
    /// deadline passed first.
    private func receive(into destination: UnsafeMutableRawBufferPointer? = nil, deadline: Instant?)
        throws(SystemError) -> Int?
    {
        precondition(inputStart == 0 && inputEnd == 0, "receive only when every input byte was parsed")
        do {
            let received = try stream.receive(into: destination ?? input, deadline: deadline)
            if destination == nil { inputEnd = received }
            return received
        } catch  where error.errno == ETIMEDOUT {
            return nil
        }
    }

    /// Receives body bytes, into `destination` or the input buffer, under the slow-body guards: the overall body
    /// deadline, and the minimum rate over each window of time spent waiting for the client (time the responder
    /// spends elsewhere does not count).
    private func receiveBody(into destination: UnsafeMutableRawBufferPointer? = nil) throws -> Int {
        let windowTicks = ticks(seconds: configuration.bodyRateWindowSeconds)
        let rateMin = configuration.bodyRateBytesPerSecondMin
        while true {
            let start = clock.now()
            var deadline = start.advanced(byTicks: max(0, windowTicks - windowWaitTicks))
            if let bodyDeadline, bodyDeadline < deadline { deadline = bodyDeadline }
            let received =
                try receive(into: destination, deadline: rateMin > 0 || bodyDeadline != nil ? deadline : nil) ?? -1
            let end = clock.now()
            windowWaitTicks += end.ticks(since: start)
            windowBytes += max(0, received)
            if let bodyDeadline, end >= bodyDeadline {
                throw ConnectionStatusError(
                    status: 408,
                    reason: "the request body did not arrive within \(configuration.bodyTimeoutSeconds ?? 0) seconds")
            }
            if windowWaitTicks >= windowTicks {
                let expected = Double(rateMin) * configuration.bodyRateWindowSeconds
                if rateMin > 0 && Double(windowBytes) < expected {
                    throw ConnectionStatusError(
                        status: 408,
                        reason: "the request body came slower than \(rateMin) bytes per second "
                            + "over \(configuration.bodyRateWindowSeconds) seconds")
                }
                windowWaitTicks = 0
                windowBytes = 0
            }
            if received >= 0 { return received }
        }
    }

    /// Tells the client to send its body (RFC 9110 §10.1.1), once, on the responder's first body read.
    private func sendContinue() throws {
        continueOwed = false
        // A final head already on the wire forbids an interim answer after it; the client sends on its timer.
        guard !isHeadOnWire else { return }
        let line: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
        try stream.sendAll(
            [UnsafeRawBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount)],
            deadline: clock.now().advanced(byTicks: ticks(seconds: configuration.sendTimeoutSeconds)))
    }

    /// After an error answer: stop sending, then read and discard what the client still sends for up to
    /// `lingerSeconds`, so it reads our answer instead of a reset (RFC 9112 §9.6), then close.
    func closeLingering() {
        stream.shutdown(.write)
        let deadline = clock.now().advanced(byTicks: ticks(seconds: configuration.lingerSeconds))
        inputStart = 0
        inputEnd = 0
        while let received = try? stream.receive(into: input, deadline: deadline), received > 0 {}
        stream.close()
    }
}

/// The request body as the responder sees it: a ByteSource over the connection.
struct RequestBody: ByteSource {
    /// The connection it reads from.
    let connection: ServerConnection

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try connection.readBody(into: buffer)
    }
}
