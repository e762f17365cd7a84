// A hybrid-logical-clock timestamp (Kulkarni et al., "Logical Physical Clocks", 2014): physical milliseconds, a
// logical counter and the node that made it. Pure value type; HybridLogicalClock makes them.
public import Primitives

/// One HLC timestamp, totally ordered by (physical milliseconds, logical counter, node id).
///
/// The node id only breaks ties between timestamps two nodes made at the same (physical, logical) point, so the
/// order is total across the region. Two encodings are provided: `clockValue`, one Int64 holding the physical and
/// logical parts (node excluded), and `sortableText`, a fixed-width lowercase hex string whose byte order is the
/// timestamp order (what the catalog stores, so SQL `MAX` and `ORDER BY` agree with `<`).
public struct HLCTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The largest physical part an encoding can hold: 48 bits of milliseconds, past the year 10,000.
    public static let physicalMillisecondsMax: Int64 = (1 << 47) - 1
    /// The width of `sortableText`: 12 hex digits of physical time, 4 of logical counter, 16 of node id, two dots.
    public static let sortableTextCount = 34

    /// Milliseconds since the Unix epoch, as the clock saw them (never earlier than any timestamp it observed).
    public let physicalMilliseconds: Int64
    /// Counts events within one physical millisecond.
    public let logical: UInt16
    /// The node that made the timestamp; breaks ties.
    public let nodeID: NodeID

    /// Makes a timestamp. `physicalMilliseconds` MUST be within 0...physicalMillisecondsMax.
    public init(physicalMilliseconds: Int64, logical: UInt16, nodeID: NodeID) {
        precondition(
            (0...Self.physicalMillisecondsMax).contains(physicalMilliseconds),
            "HLC physical time \(physicalMilliseconds) ms is outside 0...\(Self.physicalMillisecondsMax)")
        self.physicalMilliseconds = physicalMilliseconds
        self.logical = logical
        self.nodeID = nodeID
    }

    /// Rebuilds a timestamp from its `clockValue` and node id.
    public init(clockValue: Int64, nodeID: NodeID) {
        self.init(
            physicalMilliseconds: clockValue >> 16, logical: UInt16(truncatingIfNeeded: clockValue), nodeID: nodeID)
    }

    /// The physical and logical parts in one Int64 (physical << 16 | logical), ordered like the timestamps apart
    /// from the node tie-break.
    public var clockValue: Int64 { physicalMilliseconds << 16 | Int64(logical) }

    /// "pppppppppppp.llll.nnnnnnnnnnnnnnnn" in lowercase hex: comparing the strings compares the timestamps.
    public var sortableText: String {
        [
            HexText.padded(UInt64(physicalMilliseconds), digits: 12), HexText.padded(UInt64(logical), digits: 4),
            HexText.padded(nodeID.rawValue, digits: 16),
        ].joined(separator: ".")
    }

    /// Parses `sortableText`; nil unless it has exactly that shape.
    public init?(sortableText text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count == Self.sortableTextCount, parts.count == 3,
            parts[0].utf8.count == 12, parts[1].utf8.count == 4, parts[2].utf8.count == 16,
            parts.allSatisfy({ $0.utf8.allSatisfy(Self.isLowercaseHexDigit) }),
            let physical = UInt64(parts[0], radix: 16), let logical = UInt16(parts[1], radix: 16),
            let node = UInt64(parts[2], radix: 16), physical <= UInt64(Self.physicalMillisecondsMax)
        else { return nil }
        self.init(physicalMilliseconds: Int64(physical), logical: logical, nodeID: NodeID(node))
    }

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.clockValue, lhs.nodeID) < (rhs.clockValue, rhs.nodeID)
    }

    public var description: String { sortableText }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
