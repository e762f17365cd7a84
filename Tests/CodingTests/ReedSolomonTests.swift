// Goal: ISA-L Reed-Solomon through our wrapper is exactly the textbook code and survives every allowed erasure.
// Method: compare parity with the naive oracle, then erase every pattern of ≤ m shards and decode with both.
import Coding
import TestSupport
import Testing

@Suite struct ReedSolomonTests {
    static let codes: [(Int, Int)] = [(2, 1), (4, 2), (6, 3)]

    /// Every subset of `0..<count` with at most `size` elements.
    static func subsets(of count: Int, upTo size: Int) -> [[Int]] {
        (0..<(1 << count)).map { mask in (0..<count).filter { mask & (1 << $0) != 0 } }.filter { $0.count <= size }
    }

    @Test("parity equals the oracle's and every erasure pattern of up to m shards decodes", arguments: codes)
    func everyErasurePattern(k: Int, m: Int) throws {
        let coder = try ReedSolomon(dataShardCount: k, parityShardCount: m)
        let oracle = OracleCoder(dataShardCount: k, parityShardCount: m)
        for (length, seed) in [(64, UInt64(1)), (4096 + 64, UInt64(2))] {
            let data = (0..<k).map { TestBytes.random(count: length, seed: seed &* 31 &+ UInt64($0)) }
            let parity = coder.encode(data)
            #expect(parity == oracle.encode(data))
            let all = data + parity
            for erased in Self.subsets(of: k + m, upTo: m) {
                var shards: [[UInt8]?] = all
                for index in erased { shards[index] = nil }
                #expect(oracle.decodeData(shards) == data, "oracle, erased \(erased)")
                try coder.reconstruct(&shards)
                #expect(shards.map { $0! } == all, "ISA-L, erased \(erased)")
            }
        }
    }

    @Test("more than m shards missing is refused, naming the counts")
    func tooFewShards() throws {
        let coder = try ReedSolomon(dataShardCount: 4, parityShardCount: 2)
        var shards: [[UInt8]?] = [nil, nil, nil] + [[UInt8]](repeating: [1, 2, 3, 4], count: 3)
        #expect(throws: CodingError.tooFewShards(present: 3, needed: 4)) { try coder.reconstruct(&shards) }
    }

    @Test("shard counts out of range are refused")
    func invalidCounts() {
        #expect(throws: CodingError.invalidShardCounts(dataShardCount: 0, parityShardCount: 2)) {
            try ReedSolomon(dataShardCount: 0, parityShardCount: 2)
        }
        #expect(throws: CodingError.invalidShardCounts(dataShardCount: 40, parityShardCount: 16)) {
            try ReedSolomon(dataShardCount: 40, parityShardCount: 16)
        }
    }

    @Test("shard lengths round up to whole 64-byte blocks")
    func shardLength() {
        #expect(ReedSolomon.shardLength(objectLength: 0, dataShardCount: 4) == 64)
        #expect(ReedSolomon.shardLength(objectLength: 1 << 20, dataShardCount: 4) == 1 << 18)
        #expect(ReedSolomon.shardLength(objectLength: (1 << 20) + 1, dataShardCount: 4) == (1 << 18) + 64)
    }
}
