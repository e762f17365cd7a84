// Goal: SeededRandomSource replays SeededRandom's sequence for its seed and, shared between threads, hands out each
// word exactly once. Method: compare against a SeededRandom of the same seed; draw from several threads at once and
// compare the sorted words with the sequence.
import Primitives
import TestSupport
import Testing

@Suite struct SeededRandomSourceTests {
    @Test("a seeded source gives the words of SeededRandom with the same seed, and another seed gives others")
    func replaysSeed() {
        let source = SeededRandomSource(seed: 17)
        var generator = SeededRandom(seed: 17)
        let drawn = (0..<100).map { _ in source.next() }
        #expect(drawn == (0..<100).map { _ in generator.next() })
        #expect(SeededRandomSource(seed: 18).next() != SeededRandomSource(seed: 17).next())
    }

    @Test("threads sharing one source draw every word of the sequence exactly once")
    func sharedAcrossThreads() async {
        let source = SeededRandomSource(seed: 5)
        let threadCount = 4
        let drawsPerThread = 1_000
        let drawn = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<threadCount {
                group.addTask { await runOnOwnedThread { (0..<drawsPerThread).map { _ in source.next() } } }
            }
            var all: [UInt64] = []
            for await words in group { all += words }
            return all
        }
        var generator = SeededRandom(seed: 5)
        let expected = (0..<threadCount * drawsPerThread).map { _ in generator.next() }
        #expect(drawn.sorted() == expected.sorted())
    }
}
