// What the command line needs to know about its terminal: whether a stream is one, and how wide it is.
import Glibc

/// Queries about terminals.
public enum Terminal {
    /// Whether descriptor `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Writes `text` to descriptor `descriptor` in full, ignoring errors (a closed terminal is not worth a crash).
    public static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            offset += count
        }
        bytes.removeAll()
    }
}
