// One node of a topology with the site and territory it belongs to: what the namespace fabric makes a host of and
// what cluster tooling makes a `tessera node` of.
public import Primitives

/// A node of a topology, placed in its site and territory.
public struct TopologyNode: Sendable, Equatable, Codable {
    /// The most volumes a node of a topology may have.
    public static let volumeCountMax = 64
    /// The longest node name, in bytes: it becomes part of a network namespace's name.
    public static let nameLengthMax = 32

    /// The node's name, unique in its topology, e.g. `strasbourg-1`.
    public let name: String
    /// The territory its site belongs to.
    public let territory: TerritoryID
    /// The site it runs at.
    public let site: SiteID
    /// How many volumes (drives) it has.
    public let volumeCount: Int

    /// Makes a node; the name and volume count are checked by `checkName` and the topology's decoding.
    public init(name: String, territory: TerritoryID, site: SiteID, volumeCount: Int) {
        self.name = name
        self.territory = territory
        self.site = site
        self.volumeCount = volumeCount
    }

    /// Checks a node name: 1 to `nameLengthMax` bytes of lowercase letters, digits and '-', starting with a letter,
    /// so that it is safe in namespace names, paths and command lines.
    public static func checkName(_ name: String) throws(ChaosError) {
        let bytes = Array(name.utf8)
        let isLetter = { (byte: UInt8) in byte >= 0x61 && byte <= 0x7A }
        let isAllowed = { (byte: UInt8) in isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D }
        guard let first = bytes.first, isLetter(first), bytes.count <= nameLengthMax, bytes.allSatisfy(isAllowed)
        else {
            throw ChaosError(
                .topology,
                "the node name '\(name.prefix(80))' must be 1 to \(nameLengthMax) lowercase letters, digits and '-', "
                    + "starting with a letter")
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, territory, site, volumeCount
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        territory = try TerritoryID(try container.decode(String.self, forKey: .territory))
        site = try SiteID(try container.decode(String.self, forKey: .site))
        volumeCount = try container.decode(Int.self, forKey: .volumeCount)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(territory.name, forKey: .territory)
        try container.encode(site.name, forKey: .site)
        try container.encode(volumeCount, forKey: .volumeCount)
    }
}
