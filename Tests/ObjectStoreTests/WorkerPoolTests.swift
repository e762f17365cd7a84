// Goal: WorkerPool.run runs every job, the first on the calling thread and the others at once on the pool, and
// returns their results in order, also when the pool is closed. Method: jobs that record their thread and wait
// for each other, so they finish only if they run at the same time.
import Glibc
import Primitives
import Synchronization
import Testing

@testable import ObjectStore

@Suite struct WorkerPoolTests {
    @Test("run returns every result in order; the first job runs on the caller, the rest at once on the pool")
    func runInOrderAndAtOnce() {
        let pool = WorkerPool(name: "test-pool", threadCount: 4)
        defer { pool.close() }
        let caller = pthread_self()
        let arrived = Atomic<Int>(0)
        let onCaller = Mutex<[Int]>([])
        let count = 5
        let results = pool.run(
            (0..<count).map { position in
                { @Sendable () -> Int in
                    if pthread_equal(pthread_self(), caller) != 0 { onCaller.withLock { $0.append(position) } }
                    arrived.add(1, ordering: .relaxed)
                    // Every job waits until all have started: this ends only if they run at once.
                    while arrived.load(ordering: .relaxed) < count { sched_yield() }
                    return position * 10
                }
            })
        #expect(results == (0..<count).map { $0 * 10 })
        #expect(onCaller.withLock { $0 } == [0])
    }

    @Test("run on a closed pool runs every job on the caller, in order")
    func runOnClosedPool() {
        let pool = WorkerPool(name: "test-pool", threadCount: 2)
        pool.close()
        let results = pool.run((0..<3).map { position in { @Sendable () -> Int in position + 1 } })
        #expect(results == [1, 2, 3])
    }
}
