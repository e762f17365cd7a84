// A per-sender limit on log lines: at most one line per sender per interval (a minute by default), so a flood of
// refused datagrams cannot flood the log. Pure, with `now` as an argument; the node does the logging.
public import Primitives

/// Decides whether a refusal from a sender may be logged now: at most once per `intervalTicks` per sender.
///
/// Memory is bounded by `senderCountMax`. When that many senders are remembered, those whose interval has passed
/// are forgotten first; if every one is still within its interval, a new sender is not logged (and counted in
/// `suppressedCount`), so spoofed source addresses cannot grow the table or the log.
public struct LogThrottle<Sender: Hashable & Sendable>: Sendable {
    /// The default interval: one minute.
    public static var intervalTicksDefault: Int64 { 60 * Instant.ticksPerSecond }
    /// The default cap on remembered senders.
    public static var senderCountMaxDefault: Int { 4096 }

    /// The least time between two logged lines for one sender, in ticks.
    public let intervalTicks: Int64
    /// The most senders remembered at once.
    public let senderCountMax: Int
    /// Log lines held back so far: a caller may report this count with its next line.
    public private(set) var suppressedCount: UInt64 = 0

    /// When each remembered sender was last logged.
    private var lastLogged: [Sender: Instant] = [:]

    /// Makes an empty throttle.
    public init(intervalTicks: Int64 = intervalTicksDefault, senderCountMax: Int = senderCountMaxDefault) {
        precondition(intervalTicks > 0, "a log interval must last more than zero ticks")
        precondition(senderCountMax > 0, "a log throttle must remember at least one sender")
        self.intervalTicks = intervalTicks
        self.senderCountMax = senderCountMax
    }

    /// Whether a line about `sender` may be logged at `now`; when true, the sender's interval starts again.
    public mutating func shouldLog(sender: Sender, now: Instant) -> Bool {
        if let last = lastLogged[sender], now.ticks(since: last) < intervalTicks {
            suppressedCount += 1
            return false
        }
        if lastLogged[sender] == nil && lastLogged.count >= senderCountMax {
            lastLogged = lastLogged.filter { now.ticks(since: $0.value) < intervalTicks }
            if lastLogged.count >= senderCountMax {
                suppressedCount += 1
                return false
            }
        }
        lastLogged[sender] = now
        return true
    }
}
