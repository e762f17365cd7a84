// The lock between puts and garbage collection: puts share it, a collection holds it alone, so a sweep never frees a
// chunk a put just deduplicated against. Built on Mutex and a queue of the store's executor, not on pthread, since
// the store imports no Glibc; it blocks, so it MUST NOT be taken from async code.
import Primitives
import Synchronization

/// Many puts at once, or one garbage collection.
///
/// A collection closes the gate to new puts, then waits for the puts already inside to leave: the last one wakes it
/// through a queue the executor made, so a pooled store blocks the collecting thread and an inline one (a single
/// thread, which cannot be inside a put while it collects) never waits at all.
final class CollectionLock: Sendable {
    /// Held by a collection for its whole run; a put passes through it to enter.
    private let gate = Mutex<Void>(())
    /// Puts inside, and the queue the collection waits on while there are some.
    private let inside = Mutex<(count: Int, drained: (any HandOverQueue<Bool>)?)>((0, nil))
    private let executor: any Executor

    /// Makes an unlocked lock whose collections wait on queues from `executor`.
    init(executor: any Executor) {
        self.executor = executor
    }

    /// Runs `body` as a put: alongside other puts, never while a collection runs.
    func withShared<Result>(_ body: () throws -> Result) rethrows -> Result {
        gate.withLock { _ in inside.withLock { $0.count += 1 } }
        defer {
            let drained = inside.withLock { inside in
                inside.count -= 1
                return inside.count == 0 ? inside.drained : nil
            }
            drained?.push(true)
        }
        return try body()
    }

    /// Runs `body` as a collection: waits for the puts inside to leave, keeping new ones out until `body` returns.
    func withExclusive<Result>(_ body: () throws -> Result) throws -> Result {
        var outcome: Result?
        try gate.withLock { _ throws in
            let drained = inside.withLock { inside -> (any HandOverQueue<Bool>)? in
                guard inside.count > 0 else { return nil }
                let queue: any HandOverQueue<Bool> = executor.makeQueue(capacity: 1)
                inside.drained = queue
                return queue
            }
            if let drained {
                _ = drained.pop()
                inside.withLock { $0.drained = nil }
            }
            outcome = try body()
        }
        return outcome!
    }
}
