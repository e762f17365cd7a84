// Goal: the inline executor runs every job at once on the caller's thread, in order, runs nothing alongside the
// caller, and its queue hands items over first in first out, drains after close and refuses pushes once closed.
// Method: jobs that record the order they ran in, with no other thread anywhere.
import Primitives
import Synchronization
import Testing

@Suite struct InlineExecutorTests {
    @Test("launch runs every job before it returns, in order, and results() keeps that order")
    func launchRunsInOrder() {
        let executor = InlineExecutor()
        let order = Mutex<[Int]>([])
        let run = executor.launch(
            (0..<5).map { position in
                { @Sendable () -> Int in
                    order.withLock { $0.append(position) }
                    return position * position
                }
            })
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4], "every job ran before launch returned")
        #expect(run.results() == [0, 1, 4, 9, 16])
        #expect(run.results() == [0, 1, 4, 9, 16], "a second call returns the same")
        #expect(executor.launch([] as [@Sendable () -> Int]).results().isEmpty)
    }

    @Test("nothing starts alongside the caller: startAlongside declines and runs nothing")
    func declinesAlongside() {
        let ran = Atomic<Bool>(false)
        #expect(InlineExecutor().startAlongside([{ ran.store(true, ordering: .relaxed) }]) == nil)
        let hasRun = ran.load(ordering: .relaxed)
        #expect(!hasRun)
    }

    @Test("its queue is first in first out up to its capacity, drains after close, and refuses pushes once closed")
    func queueOrder() {
        let queue: any HandOverQueue<Int> = InlineExecutor().makeQueue(capacity: 3)
        #expect(queue.capacity == 3)
        #expect((1...3).allSatisfy { queue.push($0) })
        #expect(queue.pop() == 1)
        #expect(queue.push(4))
        queue.close()
        #expect(!queue.push(5))
        #expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()] == [2, 3, 4, nil])
    }
}
