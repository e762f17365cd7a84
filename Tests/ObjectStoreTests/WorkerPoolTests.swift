// Goal: WorkerPool.launch starts every job at once on the pool and returns at once, so the caller works while they
// run, and results() gives their results in order; on a closed pool the jobs run on the caller. Method: jobs that
// record their thread and wait (with a deadline) for each other and for the caller, so they finish in time only if
// everything runs at the same time.
import Glibc
import Primitives
import Synchronization
import Testing

@testable import ObjectStore

@Suite struct WorkerPoolTests {
    @Test("launch returns at once, runs every job at once on the pool, and results() keeps their order")
    func launchAtOnce() {
        let pool = WorkerPool(name: "test-pool", threadCount: 4)
        defer { pool.close() }
        let caller = pthread_self()
        let arrived = Atomic<Int>(0)
        let callerWorked = Atomic<Bool>(false)
        let onCaller = Atomic<Int>(0)
        let count = 4
        let deadline = ContinuousClock.now + .seconds(10)
        let run = pool.launch(
            (0..<count).map { position in
                { @Sendable () -> Int in
                    if pthread_equal(pthread_self(), caller) != 0 { onCaller.add(1, ordering: .relaxed) }
                    arrived.add(1, ordering: .relaxed)
                    // Ends in time only if every job and the caller run at once.
                    while arrived.load(ordering: .relaxed) < count || !callerWorked.load(ordering: .relaxed) {
                        guard ContinuousClock.now < deadline else { return -1 }
                        sched_yield()
                    }
                    return position * 10
                }
            })
        callerWorked.store(true, ordering: .relaxed)
        #expect(run.results() == (0..<count).map { $0 * 10 })
        #expect(onCaller.load(ordering: .relaxed) == 0)
    }

    @Test("launch on a closed pool runs every job on the caller, in order")
    func launchOnClosedPool() {
        let pool = WorkerPool(name: "test-pool", threadCount: 2)
        pool.close()
        let run = pool.launch((0..<3).map { position in { @Sendable () -> Int in position + 1 } })
        #expect(run.results() == [1, 2, 3])
        #expect(pool.launch([] as [@Sendable () -> Int]).results().isEmpty)
    }
}
