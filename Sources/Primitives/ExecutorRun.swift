// The results of jobs an Executor runs, and the one wake-up of the caller when the last of them finishes. What it
// waits on is a queue of the executor's own, so the same type serves pooled threads and the inline executor.
import Synchronization

/// The results of jobs handed to an `Executor`, in the order they were handed over, and the count still running.
public final class ExecutorRun<Result: Sendable>: Sendable {
    private let slots: Mutex<(results: [Result?], remaining: Int)>
    /// Holds one item once every job has finished. The caller is woken once, by the last job, not once per job: a
    /// wake-up costs tens of microseconds in a VM.
    private let done: any HandOverQueue<Bool>

    /// Makes the record of `count` jobs, none finished; `done` is a queue of capacity 1 from the same executor.
    public init(count: Int, done: any HandOverQueue<Bool>) {
        precondition(count >= 0, "a run of \(count) jobs")
        precondition(done.capacity == 1, "a run's done queue holds one item, not \(done.capacity)")
        slots = Mutex((Array(repeating: nil, count: count), count))
        self.done = done
        if count == 0 { done.push(true) }
    }

    /// Records the result of job `position`; the last job to finish wakes the caller. Called once per job, by the
    /// executor.
    public func finish(_ position: Int, _ result: Result) {
        let isLast = slots.withLock { slots in
            precondition(slots.results[position] == nil, "job \(position) of a run finished twice")
            slots.results[position] = result
            slots.remaining -= 1
            return slots.remaining == 0
        }
        if isLast { done.push(true) }
    }

    /// Waits for every job, then returns the results in order; a later call returns at once.
    public func results() -> [Result] {
        join()
        return slots.withLock { slots in slots.results.map { $0! } }
    }

    /// Waits for every job to finish; a later call returns at once.
    public func join() {
        _ = done.pop()
        done.push(true)
    }
}
