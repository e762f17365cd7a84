// Where the command line writes: results to standard output, progress and errors to standard error.
import Glibc
import Posix

/// Writing to the terminal or to whatever the streams are redirected to.
enum Console {
    /// Writes `text` to standard output in full, waiting while the reader catches up.
    ///
    /// Unlike Terminal.write it survives a non-blocking pipe (a parent that reads through an event loop, as
    /// Foundation's Process does): EAGAIN waits for the pipe to drain instead of dropping the rest.
    static func output(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if count > 0 {
                offset += count
                continue
            }
            let code = errno
            if count < 0 && code == EINTR { continue }
            guard count < 0 && (code == EAGAIN || code == EWOULDBLOCK) else { return }
            var entry = pollfd(fd: 1, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, -1)
        }
        bytes.removeAll()
    }

    /// Writes one line to standard error (diagnostics, warnings, progress lines).
    static func error(_ line: String) {
        Terminal.write(line + "\n", to: 2)
    }

    /// Writes text to standard error without a newline (progress bars redraw in place).
    static func errorInPlace(_ text: String) {
        Terminal.write(text, to: 2)
    }

    /// Formats a byte count for people: "1.5 GiB".
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : fixed(value, digits: 1) + " " + units[unit]
    }

    /// `value` with exactly `digits` decimals, without Foundation's formatters.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled) - whole * Int64(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let fractionText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
}
