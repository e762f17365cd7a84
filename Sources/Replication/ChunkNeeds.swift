// Which chunks of an offered instance a replication target lacks (DESIGN.md, "The path of one instance"): the source
// offers the manifest's chunk addresses, the target answers one bit per position, the source sends only those. A
// chunk the target holds from any study, from any site, is never sent again; a chunk named twice in one manifest is
// asked for once. The answer is a bitmap, so a manifest of 400,000 chunks costs 50 KB to answer, and it is checked
// against the offer before a byte is sent.
public import Primitives

/// One bit per offered chunk position: set where the target needs the chunk's bytes.
public struct ChunkNeeds: Sendable, Hashable {
    /// The wire format's version.
    public static let version: UInt8 = 1
    /// Most chunk positions one answer covers (a manifest's limit: 16 MiB of 36-byte entries).
    public static let positionsMax = (16 << 20) / 36

    /// How many positions the offer had.
    public let count: Int
    private var bits: [UInt8]

    /// Nothing needed, for an offer of `count` chunks.
    public init(count: Int) {
        precondition((0...Self.positionsMax).contains(count), "an offer names at most \(Self.positionsMax) chunks")
        self.count = count
        bits = [UInt8](repeating: 0, count: (count + 7) / 8)
    }

    /// The target's answer to `offered`: the first position of every address `holds` says it lacks.
    public static func answering(_ offered: [ChunkAddress], holds: (ChunkAddress) -> Bool) -> ChunkNeeds {
        var needs = ChunkNeeds(count: offered.count)
        var asked = Set<ChunkAddress>()
        for (position, address) in offered.enumerated() where !holds(address) && asked.insert(address).inserted {
            needs.bits[position / 8] |= 1 << UInt8(position % 8)
        }
        return needs
    }

    /// Whether position `position` is needed.
    public func isNeeded(_ position: Int) -> Bool { bits[position / 8] & (1 << UInt8(position % 8)) != 0 }

    /// The needed positions, in order: the chunks the source sends.
    public var neededPositions: [Int] { (0..<count).filter(isNeeded) }

    /// Whether nothing is needed (the target holds every chunk: only the catalog rows travel).
    public var isEmpty: Bool { bits.allSatisfy { $0 == 0 } }

    /// The answer's bytes: version, count (u32), then the bitmap, lowest position in the lowest bit.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 5 + bits.count)
        writer.write(Self.version)
        writer.write(UInt32(count))
        writer.write(contentsOf: bits)
        return writer.bytes
    }

    /// Decodes an answer to an offer of `offeredCount` chunks; every fault is an error naming it.
    public static func decode(_ bytes: [UInt8], offeredCount: Int) throws(ChunkNeedsError) -> ChunkNeeds {
        var reader = ByteReader(bytes)
        do {
            let version = try reader.readUInt8()
            guard version == Self.version else { throw ChunkNeedsError("unknown format version \(version)") }
            let count = Int(try reader.readUInt32())
            guard count <= Self.positionsMax else {
                throw ChunkNeedsError("an answer for \(count) chunks, over the limit of \(Self.positionsMax)")
            }
            guard count == offeredCount else {
                throw ChunkNeedsError("an answer for \(count) chunks to an offer of \(offeredCount)")
            }
            var needs = ChunkNeeds(count: count)
            guard reader.remaining == needs.bits.count else {
                throw ChunkNeedsError("\(reader.remaining) bitmap bytes where \(needs.bits.count) were due")
            }
            needs.bits = try reader.readBytes(needs.bits.count)
            if count % 8 != 0, let last = needs.bits.last, last >> UInt8(count % 8) != 0 {
                throw ChunkNeedsError("bits set past the last of \(count) positions")
            }
            return needs
        } catch let error as ChunkNeedsError {
            throw error
        } catch {
            throw ChunkNeedsError("truncated: \(error)")
        }
    }
}

/// Why an answer about needed chunks was refused.
public struct ChunkNeedsError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) { self.reason = reason }

    public var description: String { "chunk needs: \(reason)" }
}
