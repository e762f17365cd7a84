// SIGINT, SIGTERM and SIGHUP (the key reload) received synchronously (sigtimedwait) by a node's owner thread
// instead of a signal handler, so shutdown runs as ordinary code and the cooperative pool never blocks. Also
// ignores SIGPIPE: a client that hangs up is an error on the write, not the death of the process.
import Glibc

/// The signals that ask a node to shut down, received on a descriptor.
///
/// Create it on the main thread before any other thread starts: blocking the signals only applies to the calling
/// thread and the threads it creates later, and a thread created earlier would still take the default action
/// (terminate) on SIGTERM.
public final class ShutdownSignals: Sendable {
    private let signals: sigset_t

    /// Blocks SIGINT, SIGTERM and SIGHUP in this thread (and so in the threads it starts) and ignores SIGPIPE.
    public init() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        signals = set
        let status = pthread_sigmask(SIG_BLOCK, &set, nil)
        precondition(status == 0, "pthread_sigmask failed with \(status)")
    }

    /// Waits up to `timeoutMilliseconds` (nil: forever) for SIGINT, SIGTERM or SIGHUP; returns its number, or nil
    /// when the time passed first. SIGHUP asks for a reload (the cluster key file), not a shutdown.
    ///
    /// It blocks: call it only on a thread the caller owns (the main thread of `tessera node`), never in async code.
    public func next(timeoutMilliseconds: Int? = nil) -> Int32? {
        var set = signals
        var information = siginfo_t()
        while true {
            let received: Int32
            if let timeoutMilliseconds {
                var timeout = timespec(
                    tv_sec: timeoutMilliseconds / 1000, tv_nsec: (timeoutMilliseconds % 1000) * 1_000_000)
                received = sigtimedwait(&set, &information, &timeout)
            } else {
                received = sigwaitinfo(&set, &information)
            }
            if received > 0 { return received }
            if errno == EINTR { continue }
            return nil
        }
    }

    /// The usual name of `signal`, "SIGTERM", for messages.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
