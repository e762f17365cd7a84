// What `GET /admin/copies` answers: the regional catalog counted now, instance by instance, with the copy audit's
// rule (live holders at distinct sites, at least R of them, or every site when the region has fewer), so an
// operator, or the chaos runner after a heal, learns at once whether every study is back at R copies instead of
// waiting for the audit's next full walk (which checks each copy it holds and may take minutes).
import Catalog
import Placement
import Primitives

/// The copies the regional catalog records, counted on demand.
public struct CopiesReport: Codable, Sendable, Equatable {
    /// One instance below R copies: its UID and the sites of its live holders.
    public struct Example: Codable, Sendable, Equatable {
        public var instanceUID: String
        public var liveSites: [String]
    }

    /// Instances in the regional catalog (tombstones left out).
    public var instanceCount: Int
    /// Of those, instances with fewer live holders at distinct sites than R.
    public var belowReplicaCount: Int
    /// R.
    public var replicaCount: Int
    /// Up to `examplesMax` instances below R.
    public var examples: [Example]

    /// The most examples a report lists.
    public static let examplesMax = 20
    /// Instances read from the catalog per page.
    static let pageCount = 1_000
}

extension RegionServices {
    /// Counts every instance of the regional catalog against R; nil before the membership knows a topology.
    func copiesReport() throws -> CopiesReport? {
        guard let (topology, live) = auditTopology(),
            let policy = try? PlacementPolicy(replicaCount: settings.replicaCount)
        else { return nil }
        var report = CopiesReport(
            instanceCount: 0, belowReplicaCount: 0, replicaCount: settings.replicaCount, examples: [])
        var after = ""
        while true {
            let page = try catalog.regionalInstancesPage(afterInstanceUID: after, limit: CopiesReport.pageCount)
            guard let last = page.last else { break }
            after = last.row.key.instanceUID
            for (row, holders) in page {
                report.instanceCount += 1
                let sites = Self.liveSites(of: Set(holders.map(\.rawValue)), topology: topology, live: live)
                guard Self.isBelowReplicaCount(sites: sites, topology: topology, policy: policy) else { continue }
                report.belowReplicaCount += 1
                if report.examples.count < CopiesReport.examplesMax {
                    report.examples.append(
                        CopiesReport.Example(instanceUID: row.key.instanceUID, liveSites: sites.map(\.name).sorted()))
                }
            }
        }
        return report
    }

    /// The sites of `holders` that are live.
    static func liveSites(of holders: Set<UInt64>, topology: PlacementTopology, live: Set<UInt64>) -> Set<SiteID> {
        Set(holders.filter(live.contains).compactMap { id in topology.nodes.first { $0.id.rawValue == id }?.site })
    }

    /// Whether live copies at `sites` are fewer than R (or than every site, in a region with fewer sites than R).
    static func isBelowReplicaCount(sites: Set<SiteID>, topology: PlacementTopology, policy: PlacementPolicy) -> Bool {
        sites.count < min(policy.replicaCount, topology.sites.count)
    }
}
