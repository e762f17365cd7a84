// Where each simulated node sits: its territory and site, its gossip address, its metadata, and the true one-way
// latency between any two nodes (a territory matrix, a same-territory and a same-site delay, plus each node's
// access link). Fixed for a run; SimNetwork adds jitter and faults on top.
public import Membership
public import Primitives

/// The region a simulation runs: territories, sites, nodes and their latencies.
public struct SimTopology: Sendable {
    /// Nodes in the region; node indices run 0..<nodeCount.
    public let nodeCount: Int
    /// Territory names, by territory index.
    public let territories: [TerritoryID]
    /// Site names, by site index.
    public let sites: [SiteID]
    /// Each site's territory index.
    public let territoryOfSite: [Int]
    /// Each node's site index.
    public let siteOfNode: [Int]
    /// One-way delay between territories (territory indices), in ticks; the diagonal is unused.
    public let territoryOneWayTicks: [[Int64]]
    /// One-way delay between two sites of one territory, in ticks.
    public let sameTerritoryOneWayTicks: Int64
    /// One-way delay inside a site, in ticks.
    public let sameSiteOneWayTicks: Int64
    /// Each node's access-link delay, added on both ends of every path, in ticks (what Vivaldi's height models).
    public let accessOneWayTicks: [Int64]
    /// Each node's id, drawn from the run's seed.
    public let nodeIDs: [NodeID]
    private let indexOfAddress: [GossipAddress: Int]
    private let indexOfNodeID: [NodeID: Int]

    /// The standard simulated region: 3 territories (alsace, lorraine, champagne) 6 to 9 ms apart one way, 4 sites
    /// each 1.5 ms apart, 0.2 ms inside a site, access links of 0.05 to 0.5 ms; nodes dealt round-robin to sites.
    /// Node ids and access delays come from `seed`.
    public static func standard(nodeCount: Int, seed: UInt64) -> SimTopology {
        SimTopology(
            nodeCount: nodeCount, territoryNames: ["alsace", "lorraine", "champagne"], sitesPerTerritory: 4,
            territoryOneWayTicks: [[0, 6_000, 9_000], [6_000, 0, 7_000], [9_000, 7_000, 0]],
            sameTerritoryOneWayTicks: 1_500, sameSiteOneWayTicks: 200, accessTicksRange: 50...500, seed: seed)
    }

    /// Makes a region; names MUST be valid territory names and the matrix square over them (programmer errors).
    public init(
        nodeCount: Int, territoryNames: [String], sitesPerTerritory: Int, territoryOneWayTicks: [[Int64]],
        sameTerritoryOneWayTicks: Int64, sameSiteOneWayTicks: Int64, accessTicksRange: ClosedRange<Int64>, seed: UInt64
    ) {
        precondition(nodeCount >= 1 && nodeCount <= 65_536, "a simulated region has 1 to 65,536 nodes")
        precondition(!territoryNames.isEmpty && sitesPerTerritory >= 1, "a region needs a territory and a site")
        precondition(
            territoryOneWayTicks.count == territoryNames.count
                && territoryOneWayTicks.allSatisfy { $0.count == territoryNames.count },
            "the territory latency matrix must be square over the territories")
        var territories: [TerritoryID] = []
        var sites: [SiteID] = []
        var territoryOfSite: [Int] = []
        for (territoryIndex, name) in territoryNames.enumerated() {
            guard let territory = try? TerritoryID(name) else { preconditionFailure("bad territory name \(name)") }
            territories.append(territory)
            for siteNumber in 0..<sitesPerTerritory {
                guard let site = try? SiteID("\(name)-\(siteNumber + 1)") else {
                    preconditionFailure("bad site name for \(name)")
                }
                sites.append(site)
                territoryOfSite.append(territoryIndex)
            }
        }
        var random = SeededRandom(seed: seed ^ 0x746F_706F_6C6F_6779)
        var nodeIDs: [NodeID] = []
        var usedIDs: Set<NodeID> = []
        while nodeIDs.count < nodeCount {
            let id = NodeID.random(using: &random)
            if usedIDs.insert(id).inserted { nodeIDs.append(id) }
        }
        let span = UInt64(accessTicksRange.upperBound - accessTicksRange.lowerBound + 1)
        self.nodeCount = nodeCount
        self.territories = territories
        self.sites = sites
        self.territoryOfSite = territoryOfSite
        self.siteOfNode = (0..<nodeCount).map { $0 % sites.count }
        self.territoryOneWayTicks = territoryOneWayTicks
        self.sameTerritoryOneWayTicks = sameTerritoryOneWayTicks
        self.sameSiteOneWayTicks = sameSiteOneWayTicks
        self.accessOneWayTicks = (0..<nodeCount).map { _ in
            accessTicksRange.lowerBound + Int64(random.next() % span)
        }
        self.nodeIDs = nodeIDs
        var indexOfAddress: [GossipAddress: Int] = [:]
        for node in 0..<nodeCount { indexOfAddress[Self.address(of: node)] = node }
        self.indexOfAddress = indexOfAddress
        self.indexOfNodeID = Dictionary(uniqueKeysWithValues: nodeIDs.enumerated().map { ($1, $0) })
    }

    /// The territory index of `node`.
    public func territory(of node: Int) -> Int { territoryOfSite[siteOfNode[node]] }

    /// Nodes at `site`.
    public func nodes(atSite site: Int) -> [Int] { (0..<nodeCount).filter { siteOfNode[$0] == site } }

    /// Nodes in `territory`.
    public func nodes(inTerritory territory: Int) -> [Int] {
        (0..<nodeCount).filter { self.territory(of: $0) == territory }
    }

    /// The true one-way delay from `source` to `target`, without jitter, in ticks.
    public func oneWayTicks(from source: Int, to target: Int) -> Int64 {
        let sourceSite = siteOfNode[source]
        let targetSite = siteOfNode[target]
        let path: Int64
        if sourceSite == targetSite {
            path = sameSiteOneWayTicks
        } else {
            let sourceTerritory = territoryOfSite[sourceSite]
            let targetTerritory = territoryOfSite[targetSite]
            path =
                sourceTerritory == targetTerritory
                ? sameTerritoryOneWayTicks : territoryOneWayTicks[sourceTerritory][targetTerritory]
        }
        return path + accessOneWayTicks[source] + accessOneWayTicks[target]
    }

    /// Node `node`'s gossip address: 10.x.y.z on port 7946, z and y from its index.
    public static func address(of node: Int) -> GossipAddress {
        GossipAddress(host: "10.\(node >> 16 & 0xFF).\(node >> 8 & 0xFF).\(node & 0xFF)", port: 7_946)
    }

    /// The node listening at `address`, if any.
    public func node(at address: GossipAddress) -> Int? { indexOfAddress[address] }

    /// The node with id `id`, if any.
    public func node(withID id: NodeID) -> Int? { indexOfNodeID[id] }

    /// What node `node` says about itself.
    public func metadata(of node: Int, version: UInt64 = 1) -> MemberMetadata {
        let site = siteOfNode[node]
        let address = Self.address(of: node)
        return MemberMetadata(
            nodeID: nodeIDs[node], territory: territories[territoryOfSite[site]], site: sites[site],
            gossipAddress: address, httpAddress: GossipAddress(host: address.host, port: 8_042),
            volumes: [VolumeFreeSpace(volumeID: UInt64(node), bytesFree: 1 << 40, bytesTotal: 1 << 41)],
            softwareVersion: "0.11.0", metadataVersion: version)
    }
}
