// What a node's `/healthz` answers: status, version, site, volumes and instances. The JSON field names are part of
// what operators' monitoring reads; change them only with the README.

/// What `/healthz` reports about a node.
public struct NodeHealth: Codable, Sendable, Equatable {
    /// "ok", "degraded" (volumes missing, still serving) or "unavailable" (too few volumes to read or write).
    public var status: String
    /// The tessera version.
    public var version: String
    /// The node's site.
    public var site: String
    /// Volumes open out of those configured.
    public var volumesAvailable: Int
    /// Volumes configured.
    public var volumeCount: Int
    /// Instances in the catalog.
    public var instanceCount: Int

    /// Makes a report.
    public init(
        status: String, version: String, site: String, volumesAvailable: Int, volumeCount: Int, instanceCount: Int
    ) {
        self.status = status
        self.version = version
        self.site = site
        self.volumesAvailable = volumesAvailable
        self.volumeCount = volumeCount
        self.instanceCount = instanceCount
    }
}
