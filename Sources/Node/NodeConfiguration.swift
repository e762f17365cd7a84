// One node's configuration file (JSON): data directory, volumes, erasure code, listen address, site, access tokens
// and HTTP limits. Decoding is strict: an unknown key, a wrong type or a bad value is an error naming the key.

public import Primitives

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The settings of one `tessera node` process.
///
/// Volumes are `dataDirectory/volumes/0` … `N-1`; an operator puts each on its own drive by mounting the drive
/// there (or with a symbolic link). The store records its layout in `store.json` on first use, so explicit volume
/// paths in the config would only be a second place to say the same thing, and a wrong one could swap two drives.
public struct NodeConfiguration: Sendable, Equatable {
    /// The listen address of a node started without one.
    public static let listenAddressDefault = "127.0.0.1:8042"
    /// The site of a node started without one.
    public static let siteDefault = "local"
    /// Access tokens shorter than this are refused: they could be guessed.
    public static let tokenLengthMin = 16
    /// The read cache of a node configured without one: room for a few CT studies read again and again.
    public static let readCacheBytesDefault: Int64 = 512 << 20
    /// The largest read cache accepted.
    public static let readCacheBytesMax: Int64 = 1 << 40

    /// The folder holding store.json, the volumes and catalog.sqlite. Relative paths are taken from the folder of
    /// the config file.
    public var dataDirectory: String
    /// How many volumes the store has. Nil: an existing store keeps its own layout, a new one gets
    /// `StoreConfiguration.volumeCountDefault` (six, coded 4+2). Given, it MUST match an existing store.
    public var volumeCount: Int?
    /// The Reed-Solomon code; nil takes the default for the volume count.
    public var erasureCode: ErasureCode?
    /// Where the HTTP server listens, "IPv4:PORT"; port 0 picks a free one.
    public var http: String
    /// The scheme and authority clients reach the node by, "http://pacs.example.org:8042", for the links in
    /// DICOMweb answers (RetrieveURL, BulkDataURI), e.g. behind a reverse proxy. Nil: taken from each request's
    /// Host header, with the listening port added when the header has none.
    public var publicURL: String?
    /// The site this node belongs to (the region issue places studies by site).
    public var site: String
    /// Whether requests without a token may read and write. Refused unless `http` is a loopback address.
    public var allowAnonymous: Bool
    /// Bearer tokens and their roles.
    public var tokens: [AccessToken]
    /// Bounds on what clients may ask of the HTTP server.
    public var limits: Limits
    /// Memory for recently read chunks and manifests (already verified), so a study read again is served without
    /// touching the volumes; 0 turns the cache off.
    public var readCacheBytes: Int64
    /// Membership in a region of nodes (gossip address, seeds, cluster key, protocol timings); nil: a lone node that
    /// gossips with nobody.
    public var cluster: Cluster?
    /// When set, the client-facing port speaks HTTPS with this certificate (DICOMweb, admin, the region page).
    public var tls: TLSFiles?
    /// DIMSE (C-ECHO, C-STORE, C-FIND, C-GET, C-MOVE) on its own port; nil: DICOMweb only.
    public var dimse: DIMSESettings?

    /// Data and parity shards per chunk.
    public struct ErasureCode: Codable, Sendable, Equatable {
        /// k: data shards per chunk.
        public var dataShardCount: Int
        /// m: parity shards per chunk; any m volumes may be lost.
        public var parityShardCount: Int

        /// Makes a k+m code.
        public init(dataShardCount: Int, parityShardCount: Int) {
            self.dataShardCount = dataShardCount
            self.parityShardCount = parityShardCount
        }
    }

    /// What a token holder may do: read (QIDO, WADO), write (and STOW), admin (everything).
    public enum Role: String, Codable, Sendable, Equatable, CaseIterable {
        /// Search and retrieve.
        case read
        /// Search, retrieve and store.
        case write
        /// Everything, including operations on the node itself.
        case admin
    }

    /// One bearer token.
    public struct AccessToken: Codable, Sendable, Equatable {
        /// Who holds it, for logs; never the secret itself.
        public var name: String
        /// The secret a client sends as `Authorization: Bearer …`; at least `tokenLengthMin` characters.
        public var token: String
        /// What its holder may do.
        public var role: Role

        /// Makes a token.
        public init(name: String, token: String, role: Role) {
            self.name = name
            self.token = token
            self.role = role
        }
    }

    /// HTTP server bounds, with defaults meant for a hospital LAN.
    public struct Limits: Codable, Sendable, Equatable {
        /// The largest request body (a STOW-RS upload); 64 GiB by default.
        public var bodyBytesMax: Int64 = 64 << 30
        /// Connections served at once; one more takes the slot of the connection idle longest, or is answered 503.
        public var connectionCountMax = 256
        /// Connections served at once from one client address, so one client cannot lock the others out; one more
        /// from that address is answered 503.
        public var connectionsPerAddressMax = 64
        /// A keep-alive connection idle this long is closed.
        public var idleTimeoutSeconds = 60
        /// A client must send a whole request head within this time.
        public var headerTimeoutSeconds = 10
        /// A client sending its body slower than this (averaged) is cut off.
        public var bodyRateBytesPerSecondMin = 1024
        /// How long a shutdown waits for requests in flight before aborting them.
        public var shutdownTimeoutSeconds = 10

        /// The defaults.
        public init() {}
    }

    /// A configuration with the defaults for `dataDirectory`: six volumes, loopback, anonymous access.
    public init(dataDirectory: String, http: String = listenAddressDefault, allowAnonymous: Bool = true) {
        self.dataDirectory = dataDirectory
        self.volumeCount = nil
        self.erasureCode = nil
        self.http = http
        self.site = Self.siteDefault
        self.allowAnonymous = allowAnonymous
        self.publicURL = nil
        self.tokens = []
        self.limits = Limits()
        self.readCacheBytes = Self.readCacheBytesDefault
        self.cluster = nil
        self.tls = nil
    }

    /// The listen address split into host and port; valid after `validate()`.
    public var listenAddress: ListenAddress {
        get throws(NodeError) { try ListenAddress.parse(http, key: "http") }
    }

    /// The `site` key as a site name (RegionName's rules: 1 to 64 lowercase letters, digits, '-', '_' or '.'),
    /// or `.configuration` naming the value and the rule it breaks.
    public var siteID: SiteID {
        get throws(NodeError) {
            do {
                return try SiteID(site)
            } catch {
                throw NodeError(.configuration, "'site': \(error)")
            }
        }
    }
}
