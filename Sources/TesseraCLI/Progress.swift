// Progress for long work: a redrawn bar with MB/s on a terminal, a plain line every few seconds otherwise (logs,
// CI, pipes), so an operator can always see that something is moving.
import Posix
import Primitives

/// Reports bytes done out of an expected total on standard error.
final class Progress {
    private let label: String
    private let totalBytes: Int64?
    private let isTerminal: Bool
    private let clock = MonotonicClock()
    private let start: Instant
    private var lastReport: Instant
    private var doneBytes: Int64 = 0

    /// Minimum ticks between redraws on a terminal (10 per second) and between plain lines (one every 5 s).
    private static let terminalIntervalTicks = Instant.ticksPerSecond / 10
    private static let lineIntervalTicks = Instant.ticksPerSecond * 5

    /// Starts reporting `label`, expecting `totalBytes` if known.
    init(_ label: String, totalBytes: Int64?) {
        self.label = label
        self.totalBytes = totalBytes
        self.isTerminal = Terminal.isTerminal(2)
        start = clock.now()
        lastReport = start
    }

    /// Records that `bytes` more are done and redraws if it is time.
    func advance(by bytes: Int64) {
        doneBytes += bytes
        let now = clock.now()
        let interval = isTerminal ? Self.terminalIntervalTicks : Self.lineIntervalTicks
        guard now.ticks(since: lastReport) >= interval else { return }
        lastReport = now
        report(now: now, final: false)
    }

    /// Records that `total` bytes are done in all and redraws if it is time.
    func advance(toTotal total: Int64) {
        advance(by: total - doneBytes)
    }

    /// Draws the final state and ends the line.
    func finish() {
        report(now: clock.now(), final: true)
    }

    private func report(now: Instant, final: Bool) {
        let seconds = max(now.seconds(since: start), 1e-6)
        let rate = Console.fixed(Double(doneBytes) / seconds / 1e6, digits: 1) + " MB/s"
        var text = "\(label) \(Console.bytes(doneBytes))"
        var bar = ""
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(doneBytes) / Double(totalBytes))
            text += " of \(Console.bytes(totalBytes)) (\(Int(fraction * 100))%)"
            let width = 30
            let filled = Int(fraction * Double(width))
            bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
        }
        text += ", \(rate)"
        if isTerminal {
            Console.errorInPlace("\r\u{1B}[2K" + bar + text + (final ? "\n" : ""))
        } else {
            Console.error(text)
        }
    }
}
