// Where the command line and the benches write: results to standard output, progress and errors to standard error,
// and the number formats people read there. Beside Terminal, which does the writing.

/// Writing to the terminal or to whatever the streams are redirected to.
public enum Console {
    /// Writes `text` to standard output in full, waiting while the reader catches up (see Terminal.write).
    public static func output(_ text: String) {
        Terminal.write(text, to: 1)
    }

    /// Writes one line to standard error (diagnostics, warnings, progress lines).
    public static func error(_ line: String) {
        Terminal.write(line + "\n", to: 2)
    }

    /// Writes text to standard error without a newline (progress bars redraw in place).
    public static func errorInPlace(_ text: String) {
        Terminal.write(text, to: 2)
    }

    /// Formats a byte count for people: "1.5 GiB".
    public static func bytes(_ count: Int64) -> String {
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
    public static func fixed(_ value: Double, digits: Int) -> String {
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
