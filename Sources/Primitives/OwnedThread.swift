// Threads we own, for blocking work that must stay off Swift's 2-thread cooperative pool (DESIGN.md,
// "Concurrency"): pipeline stages of ingest and serve, started and joined by their owner.
#if canImport(Glibc)
    import Glibc
#endif

/// A pthread running one closure, joined by its owner.
public final class OwnedThread: Sendable {
    // SAFETY: written once in init before any other thread can see it, read only by `join`.
    private nonisolated(unsafe) var handle = pthread_t()

    /// Starts `body` on a new thread named `name` (at most 15 characters are kept).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
        let status = pthread_create(
            &handle, nil,
            { argument in
                let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
                body.body()
                return nil
            }, box.toOpaque())
        precondition(status == 0, "pthread_create failed with \(status)")
    }

    /// Waits for the thread to finish. Call exactly once.
    public func join() {
        pthread_join(handle, nil)
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
