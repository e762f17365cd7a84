// Process-wide protection against SIGPIPE: a peer that vanishes while we write must be an EPIPE error, never a
// signal that kills the node. Socket sends already pass MSG_NOSIGNAL; this covers writes that cannot (TLS later).
import Glibc

extension Posix {
    /// Sets SIGPIPE to be ignored for the whole process; idempotent, safe from any thread.
    public static func ignoreBrokenPipe() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}
