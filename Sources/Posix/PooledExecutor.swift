// The production Executor: owned threads, started on demand up to a bound and kept idle for the next job, so storage
// overlaps its reads, stages and fdatasyncs as it did with threads of its own, and a job never waits in a queue
// behind another (jobs started alongside a caller may wait for it). Shut down by its owner after the store closes.
public import Primitives
import Synchronization

/// An `Executor` running jobs on at most `threadCountMax` threads it owns.
///
/// A job goes only to an idle thread or to a new one while fewer than `threadCountMax` exist; it is never queued. When
/// none is free, `launch` runs the job on the caller's thread and `startAlongside` declines, so the caller works in
/// line: slower, never stuck. Threads stay until `shutDown`, which also makes later work run on the caller.
public final class PooledExecutor: Executor {
    /// What it is for, the name its threads carry.
    public let name: String
    /// The most threads it runs at once.
    public let threadCountMax: Int
    private let roster: WorkerRoster

    /// Makes an executor of no threads yet, which starts up to `threadCountMax` as work comes.
    public init(name: String, threadCountMax: Int) {
        precondition(threadCountMax > 0, "a pooled executor needs at least one thread, not \(threadCountMax)")
        self.name = name
        self.threadCountMax = threadCountMax
        roster = WorkerRoster(name: name, threadCountMax: threadCountMax)
    }

    // The threads hold only the roster, never the executor, so dropping an executor not shut down still ends them.
    deinit { roster.shutDown(joining: false) }

    /// Threads started and not yet ended: busy and idle.
    public var threadCount: Int { roster.threadCount }

    /// Runs each of `jobs` on an idle or new thread while there is one, the rest on the caller's thread at once.
    public func launch<Result: Sendable>(_ jobs: [@Sendable () -> Result]) -> ExecutorRun<Result> {
        let run = ExecutorRun<Result>(count: jobs.count, done: BoundedQueue<Bool>(capacity: 1))
        let workers = roster.acquire(upTo: jobs.count)
        for (position, job) in jobs.enumerated() {
            guard position < workers.count else {
                run.finish(position, job())
                continue
            }
            workers[position].push { release in
                let result = job()
                release()
                run.finish(position, result)
            }
        }
        return run
    }

    /// Starts every one of `jobs` on an idle or new thread, or none of them (nil) when there are not enough.
    public func startAlongside(_ jobs: [@Sendable () -> Void]) -> ExecutorRun<Void>? {
        guard let workers = roster.acquire(exactly: jobs.count) else { return nil }
        let run = ExecutorRun<Void>(count: jobs.count, done: BoundedQueue<Bool>(capacity: 1))
        for (position, job) in jobs.enumerated() {
            workers[position].push { release in
                job()
                release()
                run.finish(position, ())
            }
        }
        return run
    }

    /// A `BoundedQueue`, which blocks between threads.
    public func makeQueue<Element: Sendable>(capacity: Int) -> any HandOverQueue<Element> {
        BoundedQueue<Element>(capacity: capacity)
    }

    /// Lets running jobs finish, then ends and joins every thread. Later `launch` jobs run on their caller's thread
    /// and `startAlongside` declines. Call it after whatever uses the executor (the store) has closed.
    public func shutDown() {
        roster.shutDown(joining: true)
    }
}

/// The threads of a pooled executor: each waits on a mailbox of its own for one job at a time.
private final class WorkerRoster: Sendable {
    /// A job handed to one thread. It MUST call `release` once, when its work is done and before it wakes anyone
    /// waiting for it, so that the caller's next job finds the thread idle instead of starting another.
    typealias Job = @Sendable (_ release: () -> Void) -> Void

    let name: String
    let threadCountMax: Int
    private let state = Mutex<(idle: [BoundedQueue<Job>], threads: [OwnedThread], isShutDown: Bool)>(([], [], false))

    init(name: String, threadCountMax: Int) {
        self.name = name
        self.threadCountMax = threadCountMax
    }

    var threadCount: Int { state.withLock { $0.threads.count } }

    /// Mailboxes of `count` threads, idle ones first and then new ones, taken off the idle list; nil, taking none,
    /// when fewer than `count` are idle or may be started, or the roster is shut down.
    func acquire(exactly count: Int) -> [BoundedQueue<Job>]? {
        state.withLock { state in
            guard !state.isShutDown, state.idle.count + threadCountMax - state.threads.count >= count else {
                return nil
            }
            return take(count, from: &state)
        }
    }

    /// Mailboxes of as many threads as are idle or may be started, `count` at most; none once shut down.
    func acquire(upTo count: Int) -> [BoundedQueue<Job>] {
        state.withLock { state in
            guard !state.isShutDown else { return [] }
            return take(min(count, state.idle.count + threadCountMax - state.threads.count), from: &state)
        }
    }

    /// Takes `count` idle threads, starting new ones for what the idle list lacks. Threads start under the lock, so
    /// a shutdown never misses one.
    private func take(
        _ count: Int, from state: inout (idle: [BoundedQueue<Job>], threads: [OwnedThread], isShutDown: Bool)
    ) -> [BoundedQueue<Job>] {
        var taken: [BoundedQueue<Job>] = []
        while taken.count < count, let mailbox = state.idle.popLast() { taken.append(mailbox) }
        while taken.count < count {
            precondition(state.threads.count < threadCountMax, "\(name) would exceed \(threadCountMax) threads")
            let mailbox = BoundedQueue<Job>(capacity: 1)
            state.threads.append(
                OwnedThread(name: name) { [self] in
                    while let job = mailbox.pop() {
                        var isKept = false
                        job { isKept = release(mailbox) }
                        guard isKept else { return }
                    }
                })
            taken.append(mailbox)
        }
        return taken
    }

    /// Puts a thread that finished its job back on the idle list; false when the roster is shut down and the thread
    /// should end.
    private func release(_ mailbox: BoundedQueue<Job>) -> Bool {
        state.withLock { state in
            guard !state.isShutDown else { return false }
            state.idle.append(mailbox)
            return true
        }
    }

    /// Ends every thread: idle ones at once, busy ones after their job; with `joining`, waits for them all.
    func shutDown(joining: Bool) {
        let (idle, threads) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.idle = []
                state.threads = []
            }
            return (state.idle, state.threads)
        }
        for mailbox in idle { mailbox.close() }
        if joining { for thread in threads { thread.join() } }
    }
}
