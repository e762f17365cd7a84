// Goal: the blocking queue hands every element over once, in order, between threads, and an owned thread runs its
// body and joins once. Method: a producer and a consumer on threads of their own through a queue of 3.
import Posix
import TestSupport
import Testing

@Suite struct BoundedQueueTests {
    @Test("a producer thread and a consumer see every element once, in order, and close ends the stream")
    func handOff() async {
        let queue = BoundedQueue<Int>(capacity: 3)
        let count = 10_000
        async let consumer = runOnOwnedThread {
            var seen: [Int] = []
            while let value = queue.pop() { seen.append(value) }
            return seen
        }
        let pushed = await runOnOwnedThread {
            let accepted = (0..<count).allSatisfy { queue.push($0) }
            queue.close()
            return accepted
        }
        #expect(pushed)
        #expect(queue.push(-1) == false)
        #expect(await consumer == Array(0..<count))
    }
}

@Suite struct OwnedThreadTests {
    @Test("an owned thread runs its body, and joining twice is harmless")
    func runsAndJoins() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let thread = OwnedThread(name: "test") { queue.push(42) }
        thread.join()
        thread.join()
        #expect(queue.pop() == 42)
    }
}
