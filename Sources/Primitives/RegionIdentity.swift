// Who is who in a region: a node's 64-bit id, and the names of sites and territories (DESIGN.md, "Words"). Typed so
// a site name is never passed where a territory is expected, and a node id never mixed with a counter.

/// A node's identity: 64 random bits drawn once (from an injected random source) and kept in its data directory.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// A new id from `random` (the node's injected source; seeded in the simulator).
    public static func random(using random: inout some RandomNumberGenerator) -> NodeID {
        NodeID(random.next())
    }

    /// Parses the 16 lowercase or uppercase hex digits `description` prints; nil for anything else.
    public init?(hex text: some StringProtocol) {
        // Digits only: UInt64(_:radix:) would also take a leading sign.
        let isHex = text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
        guard text.utf8.count == 16, isHex, let value = UInt64(text, radix: 16) else { return nil }
        rawValue = value
    }

    /// 16 hex digits, fixed width, so ids sort and align in logs.
    public var description: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func < (left: NodeID, right: NodeID) -> Bool { left.rawValue < right.rawValue }
}

/// The name of a site (a hospital or data centre: one failure domain), e.g. `strasbourg-hautepierre`.
public struct SiteID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let name: String

    /// A checked name: 1 to `RegionName.lengthMax` bytes of lowercase letters, digits, `-`, `_` and `.`.
    public init(_ name: String) throws(RegionNameError) {
        try RegionName.check(name, kind: "site")
        self.name = name
    }

    public var description: String { name }
    public static func < (left: SiteID, right: SiteID) -> Bool { left.name < right.name }
}

/// The name of a territory (sites that may fail together: a former region, a WAN), e.g. `alsace`.
public struct TerritoryID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let name: String

    /// A checked name, with the same rules as a site's.
    public init(_ name: String) throws(RegionNameError) {
        try RegionName.check(name, kind: "territory")
        self.name = name
    }

    public var description: String { name }
    public static func < (left: TerritoryID, right: TerritoryID) -> Bool { left.name < right.name }
}

/// Why a site or territory name was refused.
public struct RegionNameError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The rules site and territory names share: short, and safe in paths, URLs, logs and gossip.
public enum RegionName {
    /// Longest name, in bytes (gossip carries it in every member's metadata).
    public static let lengthMax = 64

    static func check(_ name: String, kind: String) throws(RegionNameError) {
        guard !name.isEmpty else { throw RegionNameError(description: "a \(kind) name must not be empty") }
        guard name.utf8.count <= lengthMax else {
            throw RegionNameError(
                description: "the \(kind) name '\(name.prefix(80))' is longer than \(lengthMax) bytes")
        }
        let isAllowed = { (byte: UInt8) in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                || byte == 0x2E
        }
        // The contiguous bytes when the string has them (every decoded name does): no per-byte UTF-8 view walk.
        let allowed =
            name.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isAllowed) } ?? name.utf8.allSatisfy(isAllowed)
        guard allowed else {
            throw RegionNameError(
                description: "the \(kind) name '\(name)' may hold only lowercase letters, digits, '-', '_' and '.'")
        }
    }
}
