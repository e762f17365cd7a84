// A plain-Swift GF(2^8) Reed-Solomon coder, written from the textbook with no tables shared with ISA-L: the oracle
// the ISA-L wrapper is checked against (STYLE.md, "Oracles").

/// Arithmetic in GF(2^8) over the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the one ISA-L uses.
enum Galois {
    /// The product of `a` and `b`, by shift-and-add.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product: UInt8 = 0
        var left = a
        var right = b
        while right != 0 {
            if right & 1 != 0 { product ^= left }
            let carry = left & 0x80 != 0
            left <<= 1
            if carry { left ^= 0x1D }
            right >>= 1
        }
        return product
    }

    /// The multiplicative inverse of a non-zero `a`, by search.
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0, "zero has no inverse")
        return (1...255).map { UInt8($0) }.first { multiply(a, $0) == 1 }!
    }
}

/// A naive systematic Reed-Solomon coder with ISA-L's Cauchy construction: row i ≥ k, column j is 1 / (i ^ j).
struct OracleCoder {
    let dataShardCount: Int
    let parityShardCount: Int

    /// Row `row` of the (k+m)×k generator matrix.
    func generatorRow(_ row: Int) -> [UInt8] {
        (0..<dataShardCount).map { column in
            row < dataShardCount ? (row == column ? 1 : 0) : Galois.inverse(UInt8(row ^ column))
        }
    }

    /// The m parity shards of `data`.
    func encode(_ data: [[UInt8]]) -> [[UInt8]] {
        (dataShardCount..<dataShardCount + parityShardCount).map { combine(generatorRow($0), data) }
    }

    /// The k data shards recovered from any k present shards, by Gaussian elimination.
    func decodeData(_ shards: [[UInt8]?]) -> [[UInt8]] {
        let rows = shards.indices.filter { shards[$0] != nil }.prefix(dataShardCount)
        var matrix = rows.map { generatorRow($0) }
        var values = rows.map { shards[$0]! }
        for pivot in 0..<dataShardCount {
            let swap = (pivot..<dataShardCount).first { matrix[$0][pivot] != 0 }!
            matrix.swapAt(pivot, swap)
            values.swapAt(pivot, swap)
            let scale = Galois.inverse(matrix[pivot][pivot])
            matrix[pivot] = matrix[pivot].map { Galois.multiply($0, scale) }
            values[pivot] = values[pivot].map { Galois.multiply($0, scale) }
            for row in 0..<dataShardCount where row != pivot && matrix[row][pivot] != 0 {
                let factor = matrix[row][pivot]
                for column in 0..<dataShardCount {
                    matrix[row][column] ^= Galois.multiply(factor, matrix[pivot][column])
                }
                for byte in values[row].indices { values[row][byte] ^= Galois.multiply(factor, values[pivot][byte]) }
            }
        }
        return values
    }

    private func combine(_ coefficients: [UInt8], _ data: [[UInt8]]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: data[0].count)
        for (coefficient, shard) in zip(coefficients, data) {
            for index in result.indices { result[index] ^= Galois.multiply(coefficient, shard[index]) }
        }
        return result
    }
}
