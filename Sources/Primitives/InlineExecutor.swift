// The executor of the simulator: every job runs at once on the caller's thread, so a simulated node costs no thread
// and its runs replay. It never runs a job alongside the caller; callers then do that work in line.

/// An `Executor` with no threads: `launch` runs each job on the caller's thread before returning.
public struct InlineExecutor: Executor {
    /// Makes the executor; it holds nothing.
    public init() {}

    /// Runs `jobs` one after the other on the caller's thread; the answer's `results()` returns at once.
    public func launch<Result: Sendable>(_ jobs: [@Sendable () -> Result]) -> ExecutorRun<Result> {
        let run = ExecutorRun<Result>(count: jobs.count, done: InlineQueue<Bool>(capacity: 1))
        for (position, job) in jobs.enumerated() { run.finish(position, job()) }
        return run
    }

    /// Always nil: with no thread besides the caller's, nothing runs alongside it.
    public func startAlongside(_ jobs: [@Sendable () -> Void]) -> ExecutorRun<Void>? { nil }

    /// An `InlineQueue`, which holds items for the one thread and stops the process rather than wait.
    public func makeQueue<Element: Sendable>(capacity: Int) -> any HandOverQueue<Element> {
        InlineQueue<Element>(capacity: capacity)
    }
}
