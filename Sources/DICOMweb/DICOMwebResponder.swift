// The DICOMweb front door: strips the path prefix, checks the bearer token, finds the resource and hands the request
// to the STOW-RS, QIDO-RS or WADO-RS service. Owns no protocol logic of its own; runs on the server's owned thread.
public import Catalog
public import HTTP
public import ObjectStore
public import Primitives

/// STOW-RS, QIDO-RS and WADO-RS over one node's object store and catalog, as an HTTPResponder with no sockets.
///
/// The Node constructs it once and gives it to the HTTP server; tests call `respond` directly.
public struct DICOMwebResponder: HTTPResponder {
    /// The settings in force.
    public let configuration: DICOMwebConfiguration
    let store: ObjectStore
    let catalog: Catalog
    let policy: AccessPolicy
    let version: @Sendable () -> HLCTimestamp
    let sharing: @Sendable ([StoredInstanceName]) -> CatalogSharing?
    let remote: (any RemoteObjects)?
    let remoteCommit: (any RemoteCommit)?
    let log: @Sendable (String) -> Void

    /// Makes a responder serving `store` and `catalog` as `configuration` says.
    ///
    /// `version` gives the catalog version of each stored instance: the node's HybridLogicalClock read at the
    /// wall clock (the catalog's replication compares versions). It is called once per stored instance, from the
    /// request's thread, so it MUST be thread-safe. `log` gets the full message of failures the client is told
    /// about only in general terms (they may name server paths); it too is called from request threads.
    /// `sharing` says how the given instances (study and SOP Instance UIDs) are shared with the region (who else
    /// must hold them), nil for a lone node; stored instances are catalogued with their regional rows and outbox
    /// entries.
    public init(
        configuration: DICOMwebConfiguration, store: ObjectStore, catalog: Catalog,
        version: @escaping @Sendable () -> HLCTimestamp,
        sharing: @escaping @Sendable (_ instances: [StoredInstanceName]) -> CatalogSharing? = { _ in nil },
        remote: (any RemoteObjects)? = nil, remoteCommit: (any RemoteCommit)? = nil,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.sharing = sharing
        self.remote = remote
        self.remoteCommit = remoteCommit
        self.configuration = configuration
        self.store = store
        self.catalog = catalog
        self.version = version
        self.log = log
        policy = AccessPolicy(tokens: configuration.tokens, allowsAnonymous: configuration.allowsAnonymous)
    }

    public func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        let path = request.path
        guard let relative = Self.relativePath(path, prefix: configuration.pathPrefix) else {
            throw DICOMwebError(
                .notFound,
                "no DICOMweb resource at \(path) (the services are under "
                    + "\(configuration.pathPrefix.isEmpty ? "/" : configuration.pathPrefix))")
        }
        try policy.authorize(
            authorization: request.headers["Authorization"], required: Self.role(for: request.method))
        let route = try DICOMwebRoute.parse(relative)
        guard route.allowedMethods.contains(request.method) else {
            throw DICOMwebError(
                .methodNotAllowed(allowed: route.allowedMethods),
                "\(request.method) is not allowed on \(path); use \(route.allowedMethods.joined(separator: " or "))")
        }
        let context = ServiceContext(
            configuration: configuration, store: store, catalog: catalog, version: version, sharing: sharing,
            remote: remote, remoteCommit: remoteCommit, log: log, baseURL: baseURL(for: request))
        switch (request.method, route) {
        case ("DELETE", .study(let study)):
            try DeleteService(context: context).delete(study: study, series: nil, instance: nil, response: &response)
        case ("DELETE", .series(let study, let series)):
            try DeleteService(context: context).delete(
                study: study, series: series, instance: nil, response: &response)
        case ("DELETE", .instance(let study, let series, let instance)):
            try DeleteService(context: context).delete(
                study: study, series: series, instance: instance, response: &response)
        case ("POST", .studies):
            try StoreService(context: context).store(request, study: nil, body: &body, response: &response)
        case ("POST", .study(let study)):
            try StoreService(context: context).store(request, study: study, body: &body, response: &response)
        case (_, .studies):
            try SearchService(context: context).search(
                request, level: .study, study: nil, series: nil, response: &response)
        case (_, .search(let level, let study, let series)):
            try SearchService(context: context).search(
                request, level: level, study: study, series: series, response: &response)
        case (_, .study(let study)):
            try RetrieveService(context: context).retrieve(
                request, study: study, series: nil, instance: nil, response: &response)
        case (_, .series(let study, let series)):
            try RetrieveService(context: context).retrieve(
                request, study: study, series: series, instance: nil, response: &response)
        case (_, .instance(let study, let series, let instance)):
            try RetrieveService(context: context).retrieve(
                request, study: study, series: series, instance: instance, response: &response)
        case (_, .metadata(let study, let series, let instance)):
            try RetrieveService(context: context).metadata(
                request, study: study, series: series, instance: instance, response: &response)
        case (_, .frames(let study, let series, let instance, let numbers)):
            try RetrieveService(context: context).frames(
                request, study: study, series: series, instance: instance, numbers: numbers, response: &response)
        case (_, .rendered(let study, let series, let instance, let frame)):
            try RetrieveService(context: context).rendered(
                request, study: study, series: series, instance: instance, frame: frame, response: &response)
        case (_, .wadoURI):
            try RetrieveService(context: context).wadoURI(request, response: &response)
        case (_, .bulkData(let study, let series, let instance, let offset, let length)):
            try RetrieveService(context: context).bulkData(
                study: study, series: series, instance: instance, range: offset..<(offset + length),
                response: &response)
        }
    }

    /// The role a method needs: DELETE is the administrator's, POST (STOW-RS) a writer's, the rest a reader's.
    static func role(for method: String) -> AccessRole {
        switch method {
        case "DELETE": .admin
        case "POST": .write
        default: .read
        }
    }

    /// `path` with `prefix` removed ("" or "/…"), or nil when the path is outside the prefix.
    static func relativePath(_ path: String, prefix: String) -> String? {
        guard path.hasPrefix(prefix) else { return nil }
        let rest = String(path.dropFirst(prefix.count))
        return rest.isEmpty || rest.hasPrefix("/") ? rest : nil
    }

    /// The URL of the service root for links in responses: the configured public URL; else the scheme and
    /// authority of an absolute-form target, which take the place of Host (RFC 9112 §3.2.2); else `http://` and
    /// the request's Host; else (nothing usable) the bare prefix.
    func baseURL(for request: HTTPRequestHead) -> String {
        if let publicBaseURL = configuration.publicBaseURL { return publicBaseURL + configuration.pathPrefix }
        if let origin = request.absoluteFormOrigin {
            guard origin.scheme == "http" || origin.scheme == "https", Self.isPlainHost(origin.authority) else {
                return configuration.pathPrefix
            }
            return origin.scheme + "://" + origin.authority + configuration.pathPrefix
        }
        if let host = request.headers["Host"], Self.isPlainHost(host) {
            return "http://" + host + configuration.pathPrefix
        }
        return configuration.pathPrefix
    }

    /// Whether a Host value is only a host name or address and a port (RFC 9110 §7.2), so it can go into links
    /// and JSON unescaped; anything else is ignored and links stay host-relative.
    static func isPlainHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 255
            && host.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || [
                        UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"),
                        UInt8(ascii: "_"),
                    ].contains(byte)
            }
    }
}

/// What every service needs: the store, the catalog, the settings and the base URL of this request.
struct ServiceContext {
    let configuration: DICOMwebConfiguration
    let store: ObjectStore
    let catalog: Catalog
    /// The catalog version for the next stored instance.
    let version: @Sendable () -> HLCTimestamp
    /// How these stored instances are shared with the region; nil for a lone node.
    let sharing: @Sendable ([StoredInstanceName]) -> CatalogSharing?
    /// Instances held elsewhere in the region; nil for a lone node.
    let remote: (any RemoteObjects)?
    /// Other sites' commits for ack=remote; nil for a lone node.
    let remoteCommit: (any RemoteCommit)?
    /// Where failures go in full when the client is told only their kind.
    let log: @Sendable (String) -> Void
    /// The service root for RetrieveURL and BulkDataURI, e.g. "http://node-a:8042/dicom-web".
    let baseURL: String

    /// The URL of a study, series or instance resource.
    func retrieveURL(study: String, series: String? = nil, instance: String? = nil) -> String {
        var url = baseURL + "/studies/" + study
        if let series { url += "/series/" + series }
        if let instance { url += "/instances/" + instance }
        return url
    }
}
