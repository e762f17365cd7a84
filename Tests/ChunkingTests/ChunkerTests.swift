// Goal: FastCDC cuts where the content says, whatever the buffering. Method: the streaming chunker against the
// one-shot oracle over whole input, single bytes and seeded random splits; sizes within bounds; local edits.
import Chunking
import Primitives
import TestSupport
import Testing

/// Runs the streaming chunker over `bytes` fed in pieces of the lengths `split` returns, collecting chunk ends.
func streamedBoundaries(
    _ bytes: [UInt8], configuration: ChunkerConfiguration, split: (inout SeededRandom) -> Int, seed: UInt64
) -> [Int] {
    var chunker = Chunker(configuration: configuration)
    var random = SeededRandom(seed: seed)
    var ends: [Int] = []
    var total = 0
    bytes.withUnsafeBytes { whole in
        var offset = 0
        while offset < whole.count {
            let count = min(whole.count - offset, max(1, split(&random)))
            chunker.feed(UnsafeRawBufferPointer(rebasing: whole[offset..<offset + count])) { chunk in
                total += chunk.count
                ends.append(total)
            }
            offset += count
        }
    }
    chunker.finish { chunk in
        total += chunk.count
        ends.append(total)
    }
    return ends
}

func oracleBoundaries(_ bytes: [UInt8], configuration: ChunkerConfiguration) -> [Int] {
    bytes.withUnsafeBytes { Chunker.boundaries(of: $0, configuration: configuration) }
}

@Suite struct ChunkerTests {
    static let tiny = try! ChunkerConfiguration(chunkSizeMin: 64, chunkSizeAvg: 256, chunkSizeMax: 1024)
    static let small = try! ChunkerConfiguration(chunkSizeMin: 4096, chunkSizeAvg: 16384, chunkSizeMax: 65536)

    @Test(
        "streaming equals one-shot for whole input, single bytes and random splits", arguments: [1, 2, 3] as [UInt64])
    func splitInvariance(seed: UInt64) {
        for configuration in [Self.tiny, Self.small] {
            let bytes = TestBytes.random(count: configuration.chunkSizeMax * 40 + 17, seed: seed)
            let expected = oracleBoundaries(bytes, configuration: configuration)
            #expect(expected.last == bytes.count)
            #expect(
                streamedBoundaries(bytes, configuration: configuration, split: { _ in bytes.count }, seed: seed)
                    == expected)
            #expect(streamedBoundaries(bytes, configuration: configuration, split: { _ in 1 }, seed: seed) == expected)
            let maxChunk = configuration.chunkSizeMax
            #expect(
                streamedBoundaries(
                    bytes, configuration: configuration,
                    split: { Int($0.next() % UInt64(maxChunk * 3)) }, seed: seed) == expected)
        }
    }

    @Test("every chunk but the last lies within min and max, and the average is near the target")
    func sizesWithinBounds() {
        let configuration = Self.small
        let bytes = TestBytes.random(count: 8 << 20, seed: 5)
        let ends = oracleBoundaries(bytes, configuration: configuration)
        let lengths = zip(ends, [0] + ends).map { $0 - $1 }
        for length in lengths.dropLast() {
            #expect(length >= configuration.chunkSizeMin && length <= configuration.chunkSizeMax)
        }
        let mean = Double(bytes.count) / Double(lengths.count)
        #expect(mean > Double(configuration.chunkSizeAvg) / 2 && mean < Double(configuration.chunkSizeAvg) * 2)
    }

    @Test("inserting bytes in the middle changes only the chunks near the edit")
    func localEdits() {
        let configuration = Self.small
        let original = TestBytes.random(count: 4 << 20, seed: 6)
        var edited = original
        edited.insert(contentsOf: [1, 2, 3, 4, 5], at: 2 << 20)
        let before = Set(oracleBoundaries(original, configuration: configuration).filter { $0 > (2 << 20) + 65536 })
        let after = Set(oracleBoundaries(edited, configuration: configuration).map { $0 - 5 })
        #expect(before.subtracting(after).isEmpty)
    }

    @Test("the default boundaries of fixed input never change: they define every chunk address")
    func goldenBoundaries() {
        let bytes = TestBytes.random(count: 8 << 20, seed: 1)
        let ends = oracleBoundaries(bytes, configuration: .standard)
        #expect(Array(ends.prefix(4)) == Self.goldenEnds)
    }

    /// Pinned once from the code above; a change here is a format change.
    static let goldenEnds: [Int] = [1_285_949, 2_355_848, 4_260_515, 5_606_043]

    @Test("bad sizes are refused, naming the value")
    func validation() {
        #expect(throws: ChunkerConfigurationError.self) {
            try ChunkerConfiguration(chunkSizeMin: 10, chunkSizeAvg: 256, chunkSizeMax: 1024)
        }
        #expect(throws: ChunkerConfigurationError.self) {
            try ChunkerConfiguration(chunkSizeMin: 64, chunkSizeAvg: 300, chunkSizeMax: 1024)
        }
        #expect(throws: ChunkerConfigurationError.self) {
            try ChunkerConfiguration(chunkSizeMin: 64, chunkSizeAvg: 256, chunkSizeMax: 256)
        }
    }
}
