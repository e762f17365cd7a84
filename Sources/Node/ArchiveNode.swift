// One running archive node: the object store and catalog in its data directory, the DICOMweb responder behind the
// node's own routes, and the HTTP server. Owns start-up order and shutdown order; the signals that ask for a
// shutdown are the caller's (ShutdownSignals), so tests can drive it without any.
public import Catalog
import DICOMweb
public import HTTP
import Membership
public import ObjectStore
import Posix
public import Primitives
import Replication
import Transport
import Volumes

/// An open node: store and catalog open, HTTP port bound. `start()` serves; `shutdown` stops and closes.
public final class ArchiveNode: Sendable {
    /// The tessera version reported by `/healthz`.
    public static let version = "0.4.0"
    /// Where DICOMweb lives on every node.
    public static let dicomWebPath = DICOMwebConfiguration.pathPrefixDefault

    /// The settings it runs with.
    public let configuration: NodeConfiguration
    /// The object store in `dataDirectory`.
    public let store: ObjectStore
    /// The catalog in `dataDirectory/catalog.sqlite` (CatalogRecovery).
    public let catalog: Catalog
    /// The membership reactor when the configuration has a `cluster` section; nil for a lone node.
    public let membership: MembershipReactor?
    /// Placement, replication and anti-entropy when the node is in a cluster; nil for a lone node.
    public let region: RegionServices?
    /// This node's id, kept in `dataDirectory/node-id` (NodeIdentity); the tie-break of its HLC versions.
    public let nodeID: NodeID
    /// The seams it was built from.
    public let environment: NodeEnvironment
    /// Everything the node answers over HTTP (`/healthz`, `/admin/…`, DICOMweb), callable in-process without the
    /// server: tests drive a node through it as they drive a DICOMweb responder.
    public let responder: any HTTPResponder
    private let server: HTTPServer
    /// The internal API's mutual-TLS server when the region has certificates (`cluster.tls`).
    private let internalServer: HTTPServer?
    /// The DIMSE listener when the configuration has a `dimse` section.
    private let dimseServer: DIMSEServer?
    private let gate: RequestGate
    private let address: ListenAddress
    /// Where the node's own lines go (internal failures, the catalog's rebuild and checkpoint).
    private let log: @Sendable (String) -> Void

    /// Opens the store and catalog and binds the listen address; nothing is served until `start()`.
    ///
    /// A catalog that is missing (while the store holds objects), empty over a full store, too old, damaged or half
    /// rebuilt is first rebuilt from the store (CatalogRecovery), with progress and a summary through `log`.
    /// Errors name the path or address at fault: a data directory that is a file, not writable, or whose parent
    /// is missing; a store whose layout differs from the configuration; an address in use. `log` gets one line
    /// per internal failure while serving (clients see only a generic sentence) and the rebuild's lines; by
    /// default standard error.
    ///
    /// Everything the node reads of the world goes through `environment` (NodeEnvironment.makeReal() in
    /// production): the store and the node-id file through its disk, HLC versions through its wall clock, the node
    /// id and new volume ids through its random source. The node id is drawn once and kept (NodeIdentity); a
    /// damaged node-id file stops the start.
    public init(
        configuration: NodeConfiguration, environment: NodeEnvironment,
        log: @escaping @Sendable (String) -> Void = ArchiveNode.logToStandardError
    ) throws(NodeError) {
        try configuration.validate()
        self.configuration = configuration
        self.environment = environment
        self.log = log
        address = try configuration.listenAddress
        let site = try configuration.siteID
        let directory = configuration.dataDirectory
        // Certificates first: a missing or mismatched file stops the start before anything is opened.
        let clientFacingTLS = try configuration.clientFacingTLS()
        let internalTLS = try configuration.cluster?.tls?.contexts()
        store = try Self.openStore(configuration, environment: environment)
        let clock: NodeClock
        do {
            nodeID = try NodeIdentity.load(
                directory: directory, disk: environment.disk, random: environment.random)
            catalog = try CatalogRecovery.open(
                directory: directory, store: store, site: site, nodeID: nodeID, environment: environment,
                log: log)
        } catch {
            store.close()
            throw error
        }
        gate = RequestGate()
        do {
            clock = NodeClock(
                nodeID: nodeID, wallClock: environment.wallClock, last: try catalog.versionMax())
        } catch {
            store.close()
            throw NodeError(.dataDirectory, "cannot start the node clock: \(error)")
        }
        let regionSlot = Slot<RegionServices>()
        let requestMetrics = RequestMetrics()
        let membershipReader = Slot<MembershipReactor>()
        let healthReport: @Sendable () throws -> NodeHealth = {
            [store, catalog, nodeID, membershipReader, regionSlot, disk = environment.disk] in
            var report = try Self.health(
                store: store, catalog: catalog, nodeID: nodeID, site: site, membership: membershipReader.value?.snapshot
            )
            // Volumes sharing a file system (a test or demo machine) report its space once.
            let spaces = Set(Self.volumeSpace(store: store, disk: disk).map { [$0.bytesFree, $0.bytesTotal] })
            report.region = try regionSlot.value?.health(bytesFree: spaces.reduce(0) { $0 &+ $1[0] })
            return report
        }
        var dicomWebConfiguration = DICOMwebConfiguration(
            originSite: site, pathPrefix: Self.dicomWebPath,
            tokens: configuration.tokens.map { AccessToken(token: $0.token, role: AccessRole($0.role)) },
            allowsAnonymous: configuration.allowAnonymous, publicBaseURL: configuration.publicURL)
        if let cluster = configuration.cluster {
            dicomWebConfiguration.remoteAckSeconds = Double(cluster.remoteAckTimeoutSeconds)
        }
        let dicomWeb = DICOMwebResponder(
            configuration: dicomWebConfiguration,
            store: store, catalog: catalog, version: { clock.next() },
            sharing: { [regionSlot] instances in regionSlot.value?.sharing(of: instances) },
            remote: configuration.cluster == nil ? nil : RegionalReads(region: regionSlot),
            remoteCommit: configuration.cluster.map {
                RegionalCommit(region: regionSlot, isRemoteByDefault: $0.ackMode == "remote")
            }, log: log)
        let listeningPort = ListeningPort()
        let routes = NodeRoutes(
            inner: dicomWeb, dicomWebPath: Self.dicomWebPath, gate: gate,
            access: AccessPolicy(
                tokens: dicomWeb.configuration.tokens,
                allowsAnonymous: dicomWeb.configuration.allowsAnonymous),
            hostPort: configuration.publicURL == nil ? listeningPort : nil,
            status: { [store] in Self.status(store: store) },
            health: healthReport,
            patientConflicts: { [catalog] limit in try PatientConflictReport.make(catalog, limit: limit) },
            members: { [membershipReader, clock = environment.monotonicClock] in
                membershipReader.value.map { MembersReport(snapshot: $0.snapshot, now: clock.now()) }
            },
            regional: { [regionSlot] in regionSlot.value?.clientPortResponder },
            regionReport: { [regionSlot] in regionSlot.value?.regionReport(localHealth: healthReport) },
            copies: { [regionSlot] in try regionSlot.value?.copiesReport() },
            requestMetrics: requestMetrics, clock: environment.monotonicClock,
            metricsText: { [membershipReader, regionSlot] in
                var text = MetricsText()
                text.requests(requestMetrics)
                let health = try healthReport()
                text.store(health)
                if let snapshot = membershipReader.value?.snapshot { text.membership(snapshot) }
                if let region = regionSlot.value, let figures = health.region {
                    text.region(
                        figures, refusedUnauthenticated: region.responder.refusals.unauthenticatedCount,
                        refusedMalformed: region.responder.refusals.malformedCount)
                }
                return text.text
            }
        )
        responder = routes
        let limits = configuration.limits
        let serverConfiguration = HTTPServerConfiguration(
            host: address.host, port: address.port, limits: HTTPLimits(bodyBytesMax: Int(limits.bodyBytesMax)),
            connectionCountMax: limits.connectionCountMax, connectionsPerAddressMax: limits.connectionsPerAddressMax,
            idleTimeoutSeconds: Double(limits.idleTimeoutSeconds),
            headerTimeoutSeconds: Double(limits.headerTimeoutSeconds),
            bodyRateBytesPerSecondMin: limits.bodyRateBytesPerSecondMin)
        do {
            if let clientFacingTLS {
                server = try HTTPServer(
                    configuration: serverConfiguration, responder: routes, clock: environment.monotonicClock,
                    wallClock: environment.wallClock, log: log, tls: clientFacingTLS)
            } else {
                server = try HTTPServer(
                    configuration: serverConfiguration, responder: routes, clock: environment.monotonicClock,
                    wallClock: environment.wallClock, log: log)
            }
        } catch {
            store.close()
            throw NodeError(.listen, "cannot listen on \(configuration.http): \(Self.reason(error))")
        }
        listeningPort.set(server.port)
        do {
            internalServer = try Self.internalServer(
                configuration, serverConfiguration: serverConfiguration, tls: internalTLS?.server,
                region: regionSlot, environment: environment, log: log)
        } catch {
            server.stop()
            store.close()
            throw error
        }
        do {
            dimseServer = try Self.dimseServer(
                configuration.dimse, dicomWeb: dicomWeb, catalog: catalog, clock: environment.monotonicClock, log: log)
        } catch {
            internalServer?.stop()
            server.stop()
            store.close()
            throw error
        }
        if let cluster = configuration.cluster {
            let httpHost = address.host == "0.0.0.0" ? cluster.gossip.split(separator: ":")[0] : address.host[...]
            do {
                membership = try MembershipReactor(
                    settings: cluster, nodeID: nodeID, site: site,
                    httpAddress: GossipAddress(host: String(httpHost), port: UInt16(server.port)),
                    internalAddress: try Self.advertised(cluster.tls, server: internalServer),
                    softwareVersion: ArchiveNode.version, environment: environment,
                    volumeSpace: { [store, disk = environment.disk] in
                        ArchiveNode.volumeSpace(store: store, disk: disk)
                    },
                    log: log)
            } catch {
                dimseServer?.stop()
                internalServer?.stop()
                server.stop()
                store.close()
                throw error
            }
        } else {
            membership = nil
        }
        membershipReader.set(membership)
        if let membership, let cluster = configuration.cluster {
            region = RegionServices(
                settings: cluster, nodeID: nodeID, site: site, store: store, catalog: catalog, membership: membership,
                clock: clock, environment: environment, internalTLS: internalTLS?.client, localHealth: healthReport,
                log: log)
        } else {
            region = nil
        }
        regionSlot.set(region)
    }

    /// Writes one log line to standard error, prefixed with "tessera node: ".
    public static func logToStandardError(_ line: String) {
        Terminal.write("tessera node: " + line + "\n", to: 2)
    }

    /// The port the server is bound to (the kernel's pick when the configuration said 0).
    public var port: Int { server.port }

    /// The DICOMweb base URL clients use, "http://127.0.0.1:8042/dicom-web" ("https://…" with `tls`).
    public var dicomWebURL: String {
        "\(configuration.tls == nil ? "http" : "https")://\(address.host):\(port)\(Self.dicomWebPath)"
    }

    /// The internal API's address as the other nodes reach it: the configured host and the bound port.
    private static func advertised(_ tls: NodeConfiguration.ClusterTLS?, server: HTTPServer?) throws(NodeError)
        -> GossipAddress?
    {
        guard let tls, let server else { return nil }
        return GossipAddress(host: try tls.internalAddress.host, port: UInt16(server.port))
    }

    /// The port of the internal mutual-TLS API, when the region has certificates.
    public var internalPort: Int? { internalServer?.port }

    /// The DIMSE port, when the configuration has a `dimse` section (the kernel's pick when it said port 0).
    public var dimsePort: Int? { dimseServer?.port }

    /// Starts serving on owned threads, and gossiping when the node is in a cluster; returns at once.
    public func start() throws(NodeError) {
        do {
            try server.start()
        } catch {
            throw NodeError(.listen, "cannot serve on \(address.host):\(port): \(Self.reason(error))")
        }
        do {
            try internalServer?.start()
        } catch {
            throw NodeError(.listen, "cannot serve the internal API: \(Self.reason(error))")
        }
        dimseServer?.start()
        try membership?.start()
        try region?.start()
    }

    /// Reads the cluster key file again (SIGHUP); a bad file is refused with a log line and the keys kept.
    public func reloadClusterKeys() {
        membership?.reloadKeyFile()
    }

    /// Stops the node: refuses new requests, lets those in flight finish for up to
    /// `limits.shutdownTimeoutSeconds` (or until `isAbandoned` says to stop waiting, e.g. a second signal), aborts
    /// the rest, stops the server and closes the store. Returns how many requests were aborted.
    ///
    /// `isAbandoned` is asked again and again while requests are in flight; it MUST wait up to `waitMilliseconds`
    /// for its event (ShutdownSignals.next does), so the loop sleeps rather than spins. It blocks: call it on the
    /// owner's thread, never in async code.
    public func shutdown(isAbandoned: (_ waitMilliseconds: Int) -> Bool) -> Int {
        // Leave first, so the region stops counting on this node while it finishes its requests.
        region?.stop()
        membership?.leaveAndStop()
        gate.close()
        let clock = environment.monotonicClock
        let deadline =
            clock.now().ticks + Int64(configuration.limits.shutdownTimeoutSeconds)
            * Instant.ticksPerSecond
        let pollMilliseconds = 50
        while gate.inFlightCount > 0 && clock.now().ticks < deadline {
            if isAbandoned(pollMilliseconds) { break }
        }
        let aborted = gate.inFlightCount
        dimseServer?.stop()
        internalServer?.stop()
        server.stop()
        do {
            try catalog.checkpoint()
        } catch {
            log(
                "cannot checkpoint the catalog at shutdown (it stays consistent with its -wal file): \(error)"
            )
        }
        store.close()
        return aborted
    }

    // MARK: - Opening

    private static func openStore(
        _ configuration: NodeConfiguration, environment: NodeEnvironment
    ) throws(NodeError) -> ObjectStore {
        let directory = configuration.dataDirectory
        // Permissions are a question for the real file system only; another disk answers through its own errors.
        if let posix = environment.disk as? PosixDisk,
            let problem = posix.dataDirectoryProblem(directory)
        {
            throw NodeError(.dataDirectory, problem)
        }
        do {
            return try ObjectStore.open(
                directory: directory, requested: try configuration.storeConfiguration(),
                disk: environment.disk,
                random: environment.random, executor: environment.executor,
                readCacheBytes: Int(configuration.readCacheBytes))
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.dataDirectory, "\(error)")
        }
    }

    /// The node's status from its volumes alone: "ok" with all open, "degraded" with enough to read and write,
    /// "unavailable" with fewer.
    static func status(store: ObjectStore) -> String {
        let total = store.configuration.volumeCount
        let available = total - store.openReport.unavailableVolumes.count
        if available == total { return NodeHealth.ok }
        return available >= store.configuration.dataShardCount
            ? NodeHealth.degraded : NodeHealth.unavailable
    }

    /// The health report: volumes open, instances catalogued.
    static func health(
        store: ObjectStore, catalog: Catalog, nodeID: NodeID, site: SiteID, membership: MembershipSnapshot?
    ) throws -> NodeHealth {
        let total = store.configuration.volumeCount
        let available = total - store.openReport.unavailableVolumes.count
        let cache = store.readCacheStatistics
        return NodeHealth(
            status: status(store: store), version: version, nodeID: nodeID.description, site: site.name,
            volumesAvailable: available,
            volumeCount: total,
            instanceCount: try catalog.instanceCount(), readCacheBytes: cache?.bytes ?? 0,
            readCacheBytesMax: cache?.bytesMax ?? 0, readCacheHitCount: cache?.hitCount ?? 0,
            readCacheMissCount: cache?.missCount ?? 0, patientConflictCount: catalog.patientConflictCount,
            membership: NodeHealth.Membership(membership))
    }

    /// Each open volume's id and the space of the file system it is on; volumes whose space cannot be read are
    /// advertised with zero bytes, so placement prefers others.
    static func volumeSpace(store: ObjectStore, disk: any DiskIO) -> [VolumeFreeSpace] {
        store.volumeIDs.enumerated().compactMap { number, id in
            guard let id else { return nil }
            let space = try? disk.space(at: ObjectStore.volumePath(store.directory, number))
            return VolumeFreeSpace(
                volumeID: id.rawValue, bytesFree: space?.bytesFree ?? 0, bytesTotal: space?.bytesTotal ?? 0)
        }
    }

    /// The sentence of an error without its type's decoration.
    static func reason(_ error: any Error) -> String {
        if let error = error as? SystemError { return error.reason }
        return "\(error)"
    }
}

extension AccessRole {
    /// The DICOMweb role of a configured role.
    init(_ role: NodeConfiguration.Role) {
        switch role {
        case .read: self = .read
        case .write: self = .write
        case .admin: self = .admin
        }
    }
}
