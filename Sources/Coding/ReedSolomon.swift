// Systematic Reed-Solomon k+m through ISA-L: the k data shards are the chunk's own bytes, the m parity shards come
// from a Cauchy matrix (gf_gen_cauchy1_matrix), and any k surviving shards rebuild the rest.
internal import CISAL
import Synchronization

/// A Reed-Solomon code with k data and m parity shards, encode tables built once.
///
/// Decoding inverts the rows of the surviving shards; the tables for each erasure pattern are cached, because reads
/// repeat the same pattern for as long as a volume is missing.
public final class ReedSolomon: Sendable {
    /// The most data shards a code may have.
    public static let dataShardCountMax = 32
    /// The most parity shards a code may have.
    public static let parityShardCountMax = 16
    /// The most shards in all.
    public static let shardCountMax = 48
    /// Decode tables kept per code; older patterns are dropped past this.
    static let decodeCacheCountMax = 64

    /// k: shards holding the chunk's own bytes.
    public let dataShardCount: Int
    /// m: shards holding parity.
    public let parityShardCount: Int
    /// The (k+m)×k encoding matrix, row-major: identity on top, Cauchy rows below.
    private let matrix: [UInt8]
    /// ISA-L's expanded tables for the m parity rows.
    private let encodeTables: [UInt8]
    private let decodeCache = Mutex<[PatternKey: DecodePlan]>([:])

    /// Makes a k+m code; throws for counts out of range.
    public init(dataShardCount: Int, parityShardCount: Int) throws(CodingError) {
        guard (1...Self.dataShardCountMax).contains(dataShardCount),
            (0...Self.parityShardCountMax).contains(parityShardCount),
            dataShardCount + parityShardCount <= Self.shardCountMax
        else { throw .invalidShardCounts(dataShardCount: dataShardCount, parityShardCount: parityShardCount) }
        self.dataShardCount = dataShardCount
        self.parityShardCount = parityShardCount
        let total = dataShardCount + parityShardCount
        var matrix = [UInt8](repeating: 0, count: total * dataShardCount)
        gf_gen_cauchy1_matrix(&matrix, Int32(total), Int32(dataShardCount))
        var tables = [UInt8](repeating: 0, count: 32 * dataShardCount * max(parityShardCount, 1))
        if parityShardCount > 0 {
            matrix.withUnsafeMutableBufferPointer { rows in
                ec_init_tables(
                    Int32(dataShardCount), Int32(parityShardCount),
                    rows.baseAddress! + dataShardCount * dataShardCount, &tables)
            }
        }
        self.matrix = matrix
        self.encodeTables = tables
    }

    /// Bytes per shard for an object of `objectLength` bytes: ceil(objectLength / k) rounded up to 64.
    public static func shardLength(objectLength: Int, dataShardCount: Int) -> Int {
        precondition(objectLength >= 0 && dataShardCount > 0, "negative length or no data shards")
        let perShard = (objectLength + dataShardCount - 1) / dataShardCount
        return max(64, (perShard + 63) & ~63)
    }

    /// Computes the m parity shards from the k data shards; every buffer has the same length.
    public func encode(data: [UnsafeRawBufferPointer], parity: [UnsafeMutableRawBufferPointer]) {
        precondition(data.count == dataShardCount && parity.count == parityShardCount, "wrong shard counts")
        guard parityShardCount > 0, let length = data.first?.count, length > 0 else { return }
        precondition(
            data.allSatisfy { $0.count == length } && parity.allSatisfy { $0.count == length },
            "shards of different lengths")
        var sources =
            data.map { UnsafeMutablePointer(mutating: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
            as [UnsafeMutablePointer<UInt8>?]
        var targets =
            parity.map { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) } as [UnsafeMutablePointer<UInt8>?]
        encodeTables.withUnsafeBufferPointer { tables in
            ec_encode_data(
                Int32(length), Int32(dataShardCount), Int32(parityShardCount),
                UnsafeMutablePointer(mutating: tables.baseAddress!), &sources, &targets)
        }
    }

    /// Rebuilds, in place, every shard whose `present` flag is false from k that are present.
    ///
    /// `shards` holds k+m buffers of one length in shard order. Throws when fewer than k are present.
    public func reconstruct(shards: [UnsafeMutableRawBufferPointer], present: [Bool]) throws(CodingError) {
        let total = dataShardCount + parityShardCount
        guard shards.count == total, present.count == total, let length = shards.first?.count,
            shards.allSatisfy({ $0.count == length })
        else { throw .shardShapeMismatch(expectedCount: total, actualCount: shards.count) }
        let survivors = present.indices.filter { present[$0] }
        guard survivors.count >= dataShardCount else {
            throw .tooFewShards(present: survivors.count, needed: dataShardCount)
        }
        let missing = present.indices.filter { !present[$0] }
        guard !missing.isEmpty, length > 0 else { return }
        let plan = decodePlan(sources: Array(survivors.prefix(dataShardCount)), missing: missing)
        var sources =
            plan.sources.map { shards[$0].baseAddress!.assumingMemoryBound(to: UInt8.self) }
            as [UnsafeMutablePointer<UInt8>?]
        var targets =
            missing.map { shards[$0].baseAddress!.assumingMemoryBound(to: UInt8.self) }
            as [UnsafeMutablePointer<UInt8>?]
        plan.tables.withUnsafeBufferPointer { tables in
            ec_encode_data(
                Int32(length), Int32(dataShardCount), Int32(missing.count),
                UnsafeMutablePointer(mutating: tables.baseAddress!), &sources, &targets)
        }
    }

    /// Returns the m parity shards of `data` (k shards of one length).
    public func encode(_ data: [[UInt8]]) -> [[UInt8]] {
        let length = data.first?.count ?? 0
        var parity = [[UInt8]](repeating: [UInt8](repeating: 0, count: length), count: parityShardCount)
        let sources = data.map { shard in shard.withUnsafeBytes { copy($0) } }
        defer { for buffer in sources { buffer.deallocate() } }
        let targets = (0..<parityShardCount).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 64)
        }
        defer { for buffer in targets { buffer.deallocate() } }
        encode(data: sources.map { UnsafeRawBufferPointer($0) }, parity: targets)
        for index in 0..<parityShardCount { parity[index] = Array(targets[index]) }
        return parity
    }

    /// Fills every nil shard of `shards` (k+m of one length); throws when fewer than k are present.
    public func reconstruct(_ shards: inout [[UInt8]?]) throws(CodingError) {
        let length = shards.compactMap { $0?.count }.first ?? 0
        let buffers = shards.map { shard in
            shard.map { bytes in bytes.withUnsafeBytes { copy($0) } }
                ?? UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 64)
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        try reconstruct(shards: buffers, present: shards.map { $0 != nil })
        for index in shards.indices where shards[index] == nil { shards[index] = Array(buffers[index]) }
    }

    // MARK: - Decode plans

    /// The sources to read and the ISA-L tables that turn them into the missing shards.
    private struct DecodePlan: Sendable {
        let sources: [Int]
        let tables: [UInt8]
    }

    private func decodePlan(sources: [Int], missing: [Int]) -> DecodePlan {
        let key = PatternKey(sources: sources, missing: missing)
        if let cached = decodeCache.withLock({ $0[key] }) { return cached }
        let k = dataShardCount
        // The rows of the surviving shards, inverted, map survivors back to the data shards (any k rows of a
        // systematic Cauchy matrix are invertible).
        var survivorRows = [UInt8](repeating: 0, count: k * k)
        for (row, shard) in sources.enumerated() {
            for column in 0..<k { survivorRows[row * k + column] = matrix[shard * k + column] }
        }
        var inverse = [UInt8](repeating: 0, count: k * k)
        let status = gf_invert_matrix(&survivorRows, &inverse, Int32(k))
        precondition(status == 0, "a Cauchy submatrix was singular")
        var coefficients = [UInt8](repeating: 0, count: missing.count * k)
        for (row, shard) in missing.enumerated() {
            for column in 0..<k {
                var sum: UInt8 = 0
                for inner in 0..<k { sum ^= gf_mul(matrix[shard * k + inner], inverse[inner * k + column]) }
                coefficients[row * k + column] = sum
            }
        }
        var tables = [UInt8](repeating: 0, count: 32 * k * missing.count)
        ec_init_tables(Int32(k), Int32(missing.count), &coefficients, &tables)
        let plan = DecodePlan(sources: sources, tables: tables)
        decodeCache.withLock { cache in
            if cache.count >= Self.decodeCacheCountMax { cache.removeAll() }
            cache[key] = plan
        }
        return plan
    }

    /// Which shards a decode reads and which it rebuilds, as bit sets (k+m ≤ 48 fits in 64 bits).
    private struct PatternKey: Hashable, Sendable {
        let sourceBits: UInt64
        let missingBits: UInt64

        init(sources: [Int], missing: [Int]) {
            sourceBits = sources.reduce(0) { $0 | 1 << UInt64($1) }
            missingBits = missing.reduce(0) { $0 | 1 << UInt64($1) }
        }
    }

    private func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        if bytes.count > 0 { buffer.copyMemory(from: bytes) }
        return buffer
    }
}
