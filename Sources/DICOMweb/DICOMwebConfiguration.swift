// The settings of one DICOMweb responder: where it is mounted, who may use it, the site it stamps on new
// instances, and the limits on what one request may ask. The Node fills it from the node's JSON configuration.
public import Primitives

/// How a DICOMweb responder is mounted and bounded.
public struct DICOMwebConfiguration: Sendable {
    /// The path prefix the services live under, without a trailing slash ("/dicom-web"; "" for the root).
    public var pathPrefix: String
    /// The bearer tokens and their roles.
    public var tokens: [AccessToken]
    /// Whether requests without a token may read and write; the node enables it on loopback only.
    public var allowsAnonymous: Bool
    /// The site recorded as the origin of instances stored here (DESIGN.md, "placement").
    public var originSite: SiteID
    /// The scheme and authority used in RetrieveURL and BulkDataURI ("http://node-a:8042"); nil to take them from
    /// the request's Host header with `http`.
    public var publicBaseURL: String?
    /// The most parts one STOW-RS request may carry.
    public var storePartCountMax: Int
    /// The most bytes of one part's headers.
    public var partHeadBytesMax: Int
    /// QIDO-RS results per request when the client gives no `limit`.
    public var searchLimitDefault: Int
    /// The largest `limit` a client may ask for.
    public var searchLimitMax: Int
    /// The most instances one WADO-RS study or series retrieve streams.
    public var retrieveInstanceCountMax: Int
    /// How long a STOW-RS with ack=remote waits for another site's commit before answering (it stays queued).
    public var remoteAckSeconds: Double = 30

    /// The default path prefix (DESIGN.md, "Interfaces"; issue 4).
    public static let pathPrefixDefault = "/dicom-web"

    /// Makes a configuration; only the origin site has no default.
    public init(
        originSite: SiteID, pathPrefix: String = pathPrefixDefault, tokens: [AccessToken] = [],
        allowsAnonymous: Bool = false, publicBaseURL: String? = nil, storePartCountMax: Int = 10_000,
        partHeadBytesMax: Int = 16 << 10, searchLimitDefault: Int = 1_000, searchLimitMax: Int = 10_000,
        retrieveInstanceCountMax: Int = 100_000
    ) {
        precondition(!pathPrefix.hasSuffix("/"), "the path prefix must not end with '/': \(pathPrefix)")
        precondition(pathPrefix.isEmpty || pathPrefix.hasPrefix("/"), "the path prefix must start with '/'")
        precondition(storePartCountMax > 0 && partHeadBytesMax > 0, "store limits must be positive")
        precondition(searchLimitDefault > 0 && searchLimitMax >= searchLimitDefault, "search limits out of order")
        precondition(retrieveInstanceCountMax > 0, "retrieveInstanceCountMax must be positive")
        self.originSite = originSite
        self.pathPrefix = pathPrefix
        self.tokens = tokens
        self.allowsAnonymous = allowsAnonymous
        self.publicBaseURL = publicBaseURL
        self.storePartCountMax = storePartCountMax
        self.partHeadBytesMax = partHeadBytesMax
        self.searchLimitDefault = searchLimitDefault
        self.searchLimitMax = searchLimitMax
        self.retrieveInstanceCountMax = retrieveInstanceCountMax
    }
}
