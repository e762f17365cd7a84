// What the command line needs to know about its terminal: whether a stream is one, and how wide it is.
import Glibc

/// Queries about terminals.
public enum Terminal {
    /// Whether descriptor `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// Writes `text` to descriptor `descriptor` in full, waiting while a slow reader catches up.
    ///
    /// A non-blocking pipe (a parent reading through an event loop, as Foundation's Process does) answers EAGAIN
    /// when full: that waits for it to drain rather than dropping the rest. Other errors end the write silently,
    /// because a closed terminal is not worth a crash.
    public static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if count > 0 {
                offset += count
                continue
            }
            let code = errno
            if count < 0 && code == EINTR { continue }
            guard count < 0 && (code == EAGAIN || code == EWOULDBLOCK) else { return }
            var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, -1)
        }
        bytes.removeAll()
    }
}
