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

    /// Runs every job on the pool at once and returns when all have finished; results in the order of `bodies`.
    func run<Result: Sendable>(_ bodies: [@Sendable () -> Result]) -> [Result] {
        if bodies.count == 1 { return [bodies[0]()] }
        let done = BoundedQueue<(Int, Result)>(capacity: max(1, bodies.count))
        for (position, body) in bodies.enumerated() {
            let job = { @Sendable in _ = done.push((position, body())) }
            if !start(job) { job() }
        }
        var results: [Result?] = Array(repeating: nil, count: bodies.count)
        for _ in bodies.indices {
            guard let (position, result) = done.pop() else { break }
            results[position] = result
        }
        return results.map { $0! }
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
