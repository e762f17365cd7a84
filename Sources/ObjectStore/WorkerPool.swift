// A fixed set of long-lived owned threads fed by a bounded queue: the store's put stages and per-volume commits
// run here, so a put or a commit starts no thread of its own. Started when the store opens, joined by close().
import Primitives
import Synchronization

/// Long-lived owned threads running jobs from a bounded queue.
final class WorkerPool: Sendable {
    private let jobs: BoundedQueue<Job>
    private let threads: Mutex<[OwnedThread]>

    /// One unit of work.
    struct Job: Sendable {
        let body: @Sendable () -> Void
    }

    /// Starts `threadCount` threads named `name`.
    init(name: String, threadCount: Int) {
        precondition(threadCount > 0, "a pool needs a thread")
        let jobs = BoundedQueue<Job>(capacity: threadCount * 4)
        self.jobs = jobs
        // The threads hold only the queue, never the store, so dropping the store ends them (see deinit).
        threads = Mutex(
            (0..<threadCount).map { _ in
                OwnedThread(name: name) {
                    while let job = jobs.pop() { job.body() }
                }
            })
    }

    deinit { jobs.close() }

    /// Starts `body` on a pool thread; false, doing nothing, when the pool is closed.
    func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        jobs.push(Job(body: body))
    }

    /// Starts every job on the pool and returns at once; `results()` on the answer waits for them, so the caller
    /// does other work meanwhile instead of only waiting. The caller is woken once, by the last job to finish, not
    /// once per job: a wake-up costs tens of microseconds in a VM.
    func launch<Result: Sendable>(_ bodies: [@Sendable () -> Result]) -> Run<Result> {
        let run = Run<Result>(count: bodies.count)
        for (position, body) in bodies.enumerated() {
            let job = { @Sendable in run.finish(position, body()) }
            if !start(job) { job() }
        }
        return run
    }

    /// The results of one `run` or `launch`, and the count of jobs still running.
    final class Run<Result: Sendable>: Sendable {
        private let slots: Mutex<(results: [Result?], remaining: Int)>
        private let done = BoundedQueue<Bool>(capacity: 1)

        init(count: Int) {
            slots = Mutex((Array(repeating: nil, count: count), count))
            if count == 0 { done.push(true) }
        }

        /// Records the result of job `position`; the last job to finish wakes the caller.
        func finish(_ position: Int, _ result: Result) {
            let isLast = slots.withLock { slots in
                slots.results[position] = result
                slots.remaining -= 1
                return slots.remaining == 0
            }
            if isLast { done.push(true) }
        }

        /// Waits for every job, then returns the results in order; a later call returns at once.
        func results() -> [Result] {
            _ = done.pop()
            done.push(true)
            return slots.withLock { slots in slots.results.map { $0! } }
        }
    }

    /// Lets queued jobs finish, then ends and joins every thread. Later jobs run on their caller's thread.
    func close() {
        jobs.close()
        let joined = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in joined { thread.join() }
    }
}
