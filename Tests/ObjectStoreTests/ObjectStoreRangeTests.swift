// Goal: a ranged read returns exactly the requested bytes of the object, for ranges inside one chunk, across chunk
// boundaries, at both ends and empty, and refuses a range past the end. Method: a seeded object in the tiny store,
// every result compared with a slice of the original.
import ObjectStore
import Posix
import Primitives
import TestSupport
import Testing

@Suite struct ObjectStoreRangeTests {
    @Test("ranged reads equal the same slice of the original object", arguments: [false, true])
    func rangedReadsMatchSlices(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.path, pipelined: pipelined)
        defer { store.close() }
        let original = TestBytes.random(count: 20_000, seed: 41)
        let receipt = try putBytes(store, original)
        #expect(receipt.chunkCount > 4)
        var random = SeededRandom(seed: 7)
        var ranges: [Range<Int>] = [0..<0, 0..<1, 0..<original.count, 19_999..<20_000, 300..<310, 1000..<9000]
        for _ in 0..<40 {
            let start = Int(random.next() % UInt64(original.count))
            let end = start + Int(random.next() % UInt64(original.count - start + 1))
            ranges.append(start..<end)
        }
        for range in ranges {
            var sink = MemorySink()
            try store.get(receipt.address, range: UInt64(range.lowerBound)..<UInt64(range.upperBound), into: &sink)
            #expect(sink.bytes == Array(original[range]), "range \(range)")
        }
    }

    @Test("a range past the end of the object is refused and writes nothing")
    func rangePastEndIsRefused() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.path, pipelined: false)
        defer { store.close() }
        let receipt = try putBytes(store, TestBytes.random(count: 3000, seed: 5))
        var sink = MemorySink()
        #expect(throws: StoreError.self) { try store.get(receipt.address, range: 2990..<3001, into: &sink) }
        #expect(sink.bytes.isEmpty)
    }
}
