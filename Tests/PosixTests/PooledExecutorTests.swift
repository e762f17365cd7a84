// Goal: the pooled executor runs launched jobs at once on its threads while the caller works, keeps their order,
// never queues a job (the ones it has no thread for run on the caller, jobs started alongside start all or none), and
// its shutdown ends every thread. Method: jobs that record their thread and wait (with a deadline) for each other and
// for the caller, so they finish in time only if everything runs at the same time; thread counts from the executor
// and from the threads of its name in /proc/self/task.
import Glibc
import Posix
import Primitives
import Synchronization
import TestSupport
import Testing

@Suite(.serialized) struct PooledExecutorTests {
    /// Jobs that each wait until `count` jobs and the caller have arrived, recording those run on `caller`.
    private final class Rendezvous: Sendable {
        let caller = pthread_self()
        let arrived = Atomic<Int>(0)
        let callerWorked = Atomic<Bool>(false)
        let onCaller = Atomic<Int>(0)
        let deadline = ContinuousClock.now + .seconds(10)

        func job(_ position: Int, count: Int) -> @Sendable () -> Int {
            { [self] in
                if pthread_equal(pthread_self(), caller) != 0 { onCaller.add(1, ordering: .relaxed) }
                arrived.add(1, ordering: .relaxed)
                // Ends in time only if every job and the caller run at once.
                while arrived.load(ordering: .relaxed) < count || !callerWorked.load(ordering: .relaxed) {
                    guard ContinuousClock.now < deadline else { return -1 }
                    sched_yield()
                }
                return position * 10
            }
        }
    }

    @Test("launch returns at once, runs every job at once on the pool, and results() keeps their order")
    func launchAtOnce() {
        let executor = PooledExecutor(name: "test-pool", threadCountMax: 4)
        defer { executor.shutDown() }
        let rendezvous = Rendezvous()
        let count = 4
        let run = executor.launch((0..<count).map { rendezvous.job($0, count: count) })
        rendezvous.callerWorked.store(true, ordering: .relaxed)
        #expect(run.results() == (0..<count).map { $0 * 10 })
        #expect(run.results() == (0..<count).map { $0 * 10 }, "a second call returns the same at once")
        #expect(rendezvous.onCaller.load(ordering: .relaxed) == 0)
        #expect(executor.threadCount == count)
    }

    @Test("threads are reused: a second launch starts no thread when the first one's are idle")
    func reusesThreads() {
        let executor = PooledExecutor(name: "test-pool", threadCountMax: 8)
        defer { executor.shutDown() }
        for round in 0..<5 {
            let run = executor.launch((0..<2).map { position in { @Sendable () -> Int in position + round } })
            #expect(run.results() == [round, round + 1])
        }
        #expect(executor.threadCount <= 2)
    }

    @Test("jobs beyond the bound run on the caller at once, the others still on the pool")
    func launchBeyondBound() {
        let executor = PooledExecutor(name: "test-pool", threadCountMax: 2)
        defer { executor.shutDown() }
        let caller = pthread_self()
        let run = executor.launch(
            (0..<5).map { _ in { @Sendable () -> Bool in pthread_equal(pthread_self(), caller) != 0 } })
        let onCaller = run.results().filter { $0 }.count
        #expect(onCaller >= 3 && onCaller <= 5, "at most two jobs find a thread")
        #expect(executor.threadCount <= 2)
    }

    @Test("startAlongside starts all jobs at once or none: a job that waits for the caller is never queued")
    func startsAllOrNone() {
        let executor = PooledExecutor(name: "test-pool", threadCountMax: 3)
        defer { executor.shutDown() }
        let gate = BoundedQueue<Bool>(capacity: 3)
        let ran = Atomic<Int>(0)
        let waiting: [@Sendable () -> Void] = (0..<2).map { _ in
            {
                _ = gate.pop()
                ran.add(1, ordering: .relaxed)
            }
        }
        guard let run = executor.startAlongside(waiting) else {
            Issue.record("two jobs fit in three threads")
            return
        }
        #expect(executor.startAlongside(waiting) == nil, "two more would need four threads")
        #expect(ran.load(ordering: .relaxed) == 0, "a declined start runs nothing")
        for _ in 0..<2 { gate.push(true) }
        run.join()
        #expect(ran.load(ordering: .relaxed) == 2)
        let again = executor.startAlongside(waiting)
        #expect(again != nil, "finished jobs give their threads back")
        for _ in 0..<2 { gate.push(true) }
        again?.join()
        #expect(ran.load(ordering: .relaxed) == 4)
    }

    @Test("shutDown ends every thread; afterwards launch runs on the caller and startAlongside declines")
    func shutDownEndsThreads() throws {
        let name = "test-shutdown"
        let executor = PooledExecutor(name: name, threadCountMax: 6)
        let rendezvous = Rendezvous()
        let run = executor.launch((0..<6).map { rendezvous.job($0, count: 6) })
        rendezvous.callerWorked.store(true, ordering: .relaxed)
        #expect(run.results() == (0..<6).map { $0 * 10 })
        #expect(try ThreadCount.named(name) == 6, "six threads, named for the executor, idle and waiting")
        executor.shutDown()
        #expect(executor.threadCount == 0)
        #expect(try ThreadCount.named(name) == 0, "every pool thread has ended and been joined")
        let caller = pthread_self()
        let afterShutDown = executor.launch([{ @Sendable () -> Bool in pthread_equal(pthread_self(), caller) != 0 }])
        #expect(afterShutDown.results() == [true])
        #expect(executor.launch([] as [@Sendable () -> Int]).results().isEmpty)
        #expect(executor.startAlongside([{}]) == nil)
    }
}
