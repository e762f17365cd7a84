// Threads we own, for blocking work that must stay off Swift's 2-thread cooperative pool (DESIGN.md,
// "Concurrency"): connections, the pooled executor's workers, started and joined by their owner. Storage code never
// starts one: it is handed an Executor (PooledExecutor.swift).
internal import CPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A pthread running one closure, joined by its owner.
public final class OwnedThread: Sendable {
    /// The pthread until it has been joined; nil afterwards, so a second join is a no-op rather than a crash.
    private let handle: Mutex<pthread_t?>

    /// The most bytes of a name the kernel keeps for a thread (TASK_COMM_LEN less its terminating zero).
    public static let nameBytesMax = 15

    /// Starts `body` on a new thread named `name` (its first `nameBytesMax` bytes), which says what it is for in
    /// ps, top and /proc/self/task.
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { argument in
                let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
                let name = String(decoding: body.name.utf8.prefix(OwnedThread.nameBytesMax), as: UTF8.self)
                _ = tessera_name_thread(name)
                body.body()
                return nil
            }, box.toOpaque())
        precondition(status == 0, "pthread_create failed with \(status)")
        handle = Mutex(thread)
    }

    /// Waits for the thread to finish; later calls return at once.
    public func join() {
        let thread = handle.withLock { handle in
            defer { handle = nil }
            return handle
        }
        if let thread { pthread_join(thread, nil) }
    }
}

/// The closure and name handed to a new thread.
private final class ThreadBody: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
