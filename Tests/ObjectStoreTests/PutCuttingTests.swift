// Goal: a put cuts its source exactly where FastCDC does, whatever sizes the source's reads come in, pipelined or
// inline, so the same bytes always get the same chunks and the same address; and a put that fails reading gives
// its buffer back, so a batch survives more failures than it has buffers. Method: the tiny configuration, a
// source that splits its reads as told, the manifest compared with the one-shot chunker.
import Chunking
import ObjectStore
import Primitives
import TestSupport
import Testing

@Suite(.serialized) struct PutCuttingTests {
    @Test(
        "a put cuts where the one-shot chunker does, whole, byte by byte and in random reads", arguments: [false, true])
    func cutsMatchTheOracle(pipelined: Bool) throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"), pipelined: pipelined)
        let bytes = TestBytes.random(count: 40_000, seed: 95)
        let expected = bytes.withUnsafeBytes {
            Chunker.boundaries(of: $0, configuration: tinyConfiguration().chunking)
        }
        let sources = [
            SplitSource(bytes: bytes, pieceBytesMax: bytes.count),
            SplitSource(bytes: bytes, pieceBytesMax: 1),
            SplitSource(bytes: bytes, random: SeededRandom(seed: 96), pieceBytesMax: 3000),
        ]
        var addresses: Set<ChunkAddress> = []
        for var source in sources {
            let receipt = try store.put(from: &source)
            var end = 0
            let ends = try store.manifest(receipt.address).entries.map { entry in
                end += Int(entry.length)
                return end
            }
            #expect(ends == expected)
            #expect(try getBytes(store, receipt.address) == bytes)
            addresses.insert(receipt.address)
        }
        #expect(addresses.count == 1)
    }

    @Test("puts failing mid-read, more of them than the batch has buffers, leave the batch working")
    func failuresGiveBuffersBack() throws {
        let directory = TemporaryDirectory()
        let store = try openStore(directory.appending("data"), pipelined: true)
        let good = TestBytes.random(count: 20_000, seed: 97)
        let receipts = try store.withBatch { batch in
            for round in 0..<10 {
                var failing = SplitSource(
                    bytes: TestBytes.random(count: 20_000, seed: UInt64(98 + round)), pieceBytesMax: 700,
                    failAfter: 1400 * (round + 1))
                #expect(throws: StoreError.self) { try batch.put(from: &failing) }
            }
            var source = SplitSource(bytes: good, pieceBytesMax: 700)
            try batch.put(from: &source)
            return try batch.commit().map { try $0.get() }
        }
        #expect(receipts.count == 1)
        #expect(try getBytes(store, receipts[0].address) == good)
        #expect(try store.list().count == 1)
    }
}
