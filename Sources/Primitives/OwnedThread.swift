// Threads we own, for blocking work that must stay off Swift's 2-thread cooperative pool (DESIGN.md,
// "Concurrency"): pipeline stages of ingest and serve, started and joined by their owner.
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A pthread running one closure, joined by its owner.
public final class OwnedThread: Sendable {
    /// The pthread until it has been joined; nil afterwards, so a second join is a no-op rather than a crash.
    private let handle: Mutex<pthread_t?>

    /// Starts `body` on a new thread; `name` says what it is for when debugging.
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { argument in
                let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
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

/// A reader-writer lock for owned threads: many readers or one writer. It blocks, so never use it in async code.
// SAFETY: the pthread_rwlock_t is allocated once, never moved, and destroyed in deinit; pthread does the locking.
public final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// Makes an unlocked lock.
    public init() {
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` holding the lock shared with other readers.
    public func withReadLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` holding the lock alone.
    public func withWriteLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
