// The sizes that shape content-defined chunks and the masks derived from them (FastCDC §3.3, normalized
// chunking level 2). Validation lives here so a bad config is refused before a byte is cut.

/// A refused chunker configuration, naming the value that was wrong.
public struct ChunkerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the configuration was refused.
    public let description: String
}

/// Minimum, average and maximum chunk sizes, and the cut masks they imply.
public struct ChunkerConfiguration: Sendable, Equatable, Codable {
    /// The smallest chunk allowed to exceed, and the smallest sizes anyone may configure.
    public static let chunkSizeMinFloor = 64
    /// The largest maximum chunk size anyone may configure.
    public static let chunkSizeMaxCeiling = 64 << 20
    /// The defaults: 256 KiB / 1 MiB / 4 MiB (DESIGN.md, "Storage on one node").
    public static let standard = ChunkerConfiguration(uncheckedMin: 256 << 10, avg: 1 << 20, max: 4 << 20)

    /// No chunk is shorter than this, except the last of a stream.
    public let chunkSizeMin: Int
    /// The size chunks aim at; a power of two.
    public let chunkSizeAvg: Int
    /// No chunk is longer than this.
    public let chunkSizeMax: Int

    /// Checks and makes a configuration.
    public init(chunkSizeMin: Int, chunkSizeAvg: Int, chunkSizeMax: Int) throws(ChunkerConfigurationError) {
        guard chunkSizeMin >= Self.chunkSizeMinFloor else {
            throw ChunkerConfigurationError(
                description: "chunkSizeMin \(chunkSizeMin) is below \(Self.chunkSizeMinFloor)")
        }
        guard chunkSizeAvg > chunkSizeMin, chunkSizeAvg.nonzeroBitCount == 1 else {
            throw ChunkerConfigurationError(
                description: "chunkSizeAvg \(chunkSizeAvg) must be a power of two above chunkSizeMin \(chunkSizeMin)")
        }
        guard chunkSizeMax > chunkSizeAvg, chunkSizeMax <= Self.chunkSizeMaxCeiling else {
            throw ChunkerConfigurationError(
                description: "chunkSizeMax \(chunkSizeMax) must be above chunkSizeAvg \(chunkSizeAvg) "
                    + "and at most \(Self.chunkSizeMaxCeiling)")
        }
        self.init(uncheckedMin: chunkSizeMin, avg: chunkSizeAvg, max: chunkSizeMax)
    }

    private init(uncheckedMin: Int, avg: Int, max: Int) {
        chunkSizeMin = uncheckedMin
        chunkSizeAvg = avg
        chunkSizeMax = max
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            chunkSizeMin: try container.decode(Int.self, forKey: .chunkSizeMin),
            chunkSizeAvg: try container.decode(Int.self, forKey: .chunkSizeAvg),
            chunkSizeMax: try container.decode(Int.self, forKey: .chunkSizeMax))
    }

    /// log2 of the average size.
    public var averageBits: Int { chunkSizeAvg.trailingZeroBitCount }

    /// The stricter mask used before the average size: two bits more than log2(avg) (FastCDC NC level 2).
    public var maskSmall: UInt64 { Self.spreadMask(bits: averageBits + 2) }

    /// The looser mask used after the average size: two bits fewer than log2(avg).
    public var maskLarge: UInt64 { Self.spreadMask(bits: max(1, averageBits - 2)) }

    /// A mask of the `bits` highest bits: in a gear hash the high bits depend on the last 64 bytes, the low bits on
    /// the last few only.
    static func spreadMask(bits: Int) -> UInt64 {
        precondition(bits > 0 && bits < 64, "mask width out of range")
        return ~UInt64(0) << UInt64(64 - bits)
    }
}
