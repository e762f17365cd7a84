// A bounded, blocking hand-off between owned threads: the link between the CPU stages of ingest and serve
// (DESIGN.md, "Concurrency"), and the hand-over queue of the pooled executor. It blocks, so it MUST NOT be used from
// async code or the cooperative pool.
public import Primitives

#if canImport(Glibc)
    import Glibc
#endif

/// A first-in first-out queue of at most `capacity` elements shared by producer and consumer threads.
///
/// `push` blocks while the queue is full and `pop` while it is empty. `close` wakes everyone: pushes then fail and
/// pops drain what is left, then return nil. Closing is how a stage tells the next it is done or has failed.
// SAFETY: every access to `elements` and `isClosed` happens with `mutex` locked; the pthread objects are allocated
// once, never moved, and destroyed in deinit when no thread can hold a reference any more.
public final class BoundedQueue<Element: Sendable>: HandOverQueue, @unchecked Sendable {
    /// The most elements the queue holds before `push` blocks.
    public let capacity: Int
    private var elements: [Element?]
    private var head = 0
    private var count = 0
    private var isClosed = false
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let notEmpty: UnsafeMutablePointer<pthread_cond_t>
    private let notFull: UnsafeMutablePointer<pthread_cond_t>

    /// Makes an empty open queue holding at most `capacity` elements.
    public init(capacity: Int) {
        precondition(capacity > 0, "a bounded queue needs room for at least one element")
        self.capacity = capacity
        elements = Array(repeating: nil, count: capacity)
        mutex = .allocate(capacity: 1)
        notEmpty = .allocate(capacity: 1)
        notFull = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Appends `element`, waiting for room; returns false (dropping it) if the queue is or becomes closed.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == capacity && !isClosed { pthread_cond_wait(notFull, mutex) }
        guard !isClosed else { return false }
        elements[(head + count) % capacity] = element
        count += 1
        pthread_cond_signal(notEmpty)
        return true
    }

    /// Removes the oldest element, waiting for one; nil once the queue is closed and empty.
    public func pop() -> Element? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == 0 && !isClosed { pthread_cond_wait(notEmpty, mutex) }
        guard count > 0 else { return nil }
        let element = elements[head]
        elements[head] = nil
        head = (head + 1) % capacity
        count -= 1
        pthread_cond_signal(notFull)
        return element
    }

    /// Closes the queue: later pushes fail, pops drain what is left and then return nil.
    public func close() {
        pthread_mutex_lock(mutex)
        isClosed = true
        pthread_cond_broadcast(notEmpty)
        pthread_cond_broadcast(notFull)
        pthread_mutex_unlock(mutex)
    }
}
