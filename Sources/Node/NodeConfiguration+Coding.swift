// Reading and checking a node's config file: strict JSON decoding (unknown keys and wrong types are errors naming
// the key path, e.g. `tokens[1].role`), relative paths resolved from the file's folder, and value checks.
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Any key of a JSON object, so decoding can list the keys present and refuse unknown ones.
struct ConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The key path of a decoding position, "tokens[1].role".
func keyPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += (text.isEmpty ? "" : ".") + key.stringValue
        }
    }
    return text.isEmpty ? "the top level" : text
}

/// Opens the object at this position and refuses keys not in `known`.
func strictContainer(_ decoder: any Decoder, known: [String]) throws -> KeyedDecodingContainer<ConfigKey> {
    let container = try decoder.container(keyedBy: ConfigKey.self)
    for key in container.allKeys.map(\.stringValue).sorted() where !known.contains(key) {
        let place = decoder.codingPath.isEmpty ? "" : " in \(keyPath(decoder.codingPath))"
        throw NodeError(
            .configuration, "unknown key '\(key)'\(place) (known: \(known.sorted().joined(separator: ", ")))")
    }
    return container
}

extension KeyedDecodingContainer<ConfigKey> {
    func optional<Value: Decodable>(_ key: String, _ type: Value.Type = Value.self) throws -> Value? {
        try decodeIfPresent(Value.self, forKey: ConfigKey(key))
    }
}

extension NodeConfiguration: Codable {
    static let keys = [
        "dataDirectory", "volumeCount", "erasureCode", "http", "publicURL", "site", "allowAnonymous", "tokens",
        "limits", "readCacheBytes", "cluster", "tls", "dimse",
    ]

    /// Decodes strictly: unknown keys are errors; `dataDirectory` is required, the rest have defaults.
    public init(from decoder: any Decoder) throws {
        let container = try strictContainer(decoder, known: Self.keys)
        guard let dataDirectory = try container.optional("dataDirectory", String.self) else {
            throw NodeError(.configuration, "'dataDirectory' is required (the folder for volumes and catalog)")
        }
        self.init(
            dataDirectory: dataDirectory, http: try container.optional("http") ?? Self.listenAddressDefault,
            allowAnonymous: try container.optional("allowAnonymous") ?? false)
        volumeCount = try container.optional("volumeCount")
        erasureCode = try container.optional("erasureCode")
        publicURL = try container.optional("publicURL")
        site = try container.optional("site") ?? site
        tokens = try container.optional("tokens") ?? []
        limits = try container.optional("limits") ?? Limits()
        readCacheBytes = try container.optional("readCacheBytes") ?? readCacheBytes
        cluster = try container.optional("cluster")
        tls = try container.optional("tls")
        dimse = try container.optional("dimse")
    }

    /// Encodes every setting, defaults included, so a written file documents itself.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(dataDirectory, forKey: ConfigKey("dataDirectory"))
        try container.encodeIfPresent(volumeCount, forKey: ConfigKey("volumeCount"))
        try container.encodeIfPresent(erasureCode, forKey: ConfigKey("erasureCode"))
        try container.encode(http, forKey: ConfigKey("http"))
        try container.encodeIfPresent(publicURL, forKey: ConfigKey("publicURL"))
        try container.encode(site, forKey: ConfigKey("site"))
        try container.encode(allowAnonymous, forKey: ConfigKey("allowAnonymous"))
        try container.encode(tokens, forKey: ConfigKey("tokens"))
        try container.encode(limits, forKey: ConfigKey("limits"))
        try container.encode(readCacheBytes, forKey: ConfigKey("readCacheBytes"))
        try container.encodeIfPresent(cluster, forKey: ConfigKey("cluster"))
        try container.encodeIfPresent(tls, forKey: ConfigKey("tls"))
        try container.encodeIfPresent(dimse, forKey: ConfigKey("dimse"))
    }

    /// Reads, decodes and validates the config file at `path`.
    public static func load(path: String) throws(NodeError) -> NodeConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NodeError(.configuration, "cannot read config file \(path)")
        }
        var configuration = try parse(Array(data), source: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        configuration.dataDirectory = Self.path(configuration.dataDirectory, from: folder)
        if let keyFile = configuration.cluster?.keyFile {
            configuration.cluster?.keyFile = Self.path(keyFile, from: folder)
        }
        let clusterTLS = configuration.cluster?.tls?.resolved(from: folder)
        configuration.cluster?.tls = clusterTLS
        configuration.tls = configuration.tls?.resolved(from: folder)
        return configuration
    }

    /// Decodes and validates config JSON; `source` names the file in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws(NodeError) -> NodeConfiguration {
        let configuration: NodeConfiguration
        do {
            configuration = try JSONDecoder().decode(NodeConfiguration.self, from: Data(bytes))
        } catch let error as NodeError {
            throw NodeError(.configuration, "config file \(source): \(error.description)")
        } catch let error as DecodingError {
            throw NodeError(.configuration, "config file \(source): \(describe(error))")
        } catch {
            throw NodeError(.configuration, "config file \(source): \(error)")
        }
        do {
            try configuration.validate()
        } catch {
            throw NodeError(.configuration, "config file \(source): \(error.description)")
        }
        return configuration
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "'\(keyPath(context.codingPath))' must be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "'\(keyPath(context.codingPath))' must be \(typeName(type)), not null"
        case .keyNotFound(let key, let context):
            return "'\(keyPath(context.codingPath + [key]))' is required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON (\(context.debugDescription))" }
            return "'\(keyPath(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "a whole number"
        case is String.Type: "a string"
        case is [AccessToken].Type, is [String].Type, is [Any].Type: "a list"
        default: "an object"
        }
    }
}

extension NodeConfiguration.ErasureCode {
    static let keys = ["dataShardCount", "parityShardCount"]

    /// Decodes strictly; both counts are required.
    public init(from decoder: any Decoder) throws {
        let container = try strictContainer(decoder, known: Self.keys)
        self.init(
            dataShardCount: try container.decode(Int.self, forKey: ConfigKey("dataShardCount")),
            parityShardCount: try container.decode(Int.self, forKey: ConfigKey("parityShardCount")))
    }
}

extension NodeConfiguration.AccessToken {
    static let keys = ["name", "token", "role"]

    /// Decodes strictly; a role outside read, write, admin is an error listing them.
    public init(from decoder: any Decoder) throws {
        let container = try strictContainer(decoder, known: Self.keys)
        let roleText = try container.decode(String.self, forKey: ConfigKey("role"))
        guard let role = NodeConfiguration.Role(rawValue: roleText) else {
            throw NodeError(
                .configuration,
                "'\(keyPath(decoder.codingPath)).role' is \"\(roleText)\"; it must be one of "
                    + NodeConfiguration.Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.init(
            name: try container.decode(String.self, forKey: ConfigKey("name")),
            token: try container.decode(String.self, forKey: ConfigKey("token")), role: role)
    }
}

extension NodeConfiguration.Limits {
    static let keys = [
        "bodyBytesMax", "connectionCountMax", "connectionsPerAddressMax", "idleTimeoutSeconds", "headerTimeoutSeconds",
        "bodyRateBytesPerSecondMin", "shutdownTimeoutSeconds",
    ]

    /// Decodes strictly; missing limits keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try strictContainer(decoder, known: Self.keys)
        self.init()
        bodyBytesMax = try container.optional("bodyBytesMax") ?? bodyBytesMax
        connectionCountMax = try container.optional("connectionCountMax") ?? connectionCountMax
        connectionsPerAddressMax = try container.optional("connectionsPerAddressMax") ?? connectionsPerAddressMax
        idleTimeoutSeconds = try container.optional("idleTimeoutSeconds") ?? idleTimeoutSeconds
        headerTimeoutSeconds = try container.optional("headerTimeoutSeconds") ?? headerTimeoutSeconds
        bodyRateBytesPerSecondMin = try container.optional("bodyRateBytesPerSecondMin") ?? bodyRateBytesPerSecondMin
        shutdownTimeoutSeconds = try container.optional("shutdownTimeoutSeconds") ?? shutdownTimeoutSeconds
    }
}

extension NodeConfiguration.Cluster: Codable {
    static let keys = [
        "territory", "gossip", "seeds", "keyFile", "probeIntervalMilliseconds", "probeTimeoutMilliseconds",
        "indirectProbeCount", "retransmitMultiplier", "suspicionMultiplier", "suspicionMaxTimeoutMultiplier",
        "suspicionConfirmations", "gossipIntervalMilliseconds", "pushPullIntervalSeconds", "reapAfterSeconds",
        "datagramBytesMax", "replicaCount", "antiEntropyIntervalSeconds", "tombstoneRetentionSeconds", "downOutSeconds",
        "ackMode", "remoteAckTimeoutSeconds", "auditInstancesPerSecond", "tls",
    ]

    /// Decodes strictly; `gossip` and `keyFile` are required, the rest have defaults. A `site` here is refused
    /// with the place it belongs: the top-level `site` key.
    public init(from decoder: any Decoder) throws {
        let probe = try decoder.container(keyedBy: ConfigKey.self)
        if probe.contains(ConfigKey("site")) {
            throw NodeError(
                .configuration,
                "'cluster.site': the site is the top-level 'site' key (a lone node has one too); move it there")
        }
        let container = try strictContainer(decoder, known: Self.keys)
        guard let gossip = try container.optional("gossip", String.self) else {
            throw NodeError(.configuration, "'cluster.gossip' is required (this node's gossip address, IPv4:PORT)")
        }
        guard let keyFile = try container.optional("keyFile", String.self) else {
            throw NodeError(
                .configuration, "'cluster.keyFile' is required (make one with `tessera cluster key new FILE`)")
        }
        self.init(gossip: gossip, keyFile: keyFile, seeds: try container.optional("seeds") ?? [])
        territory = try container.optional("territory") ?? territory
        probeIntervalMilliseconds = try container.optional("probeIntervalMilliseconds") ?? probeIntervalMilliseconds
        probeTimeoutMilliseconds = try container.optional("probeTimeoutMilliseconds") ?? probeTimeoutMilliseconds
        indirectProbeCount = try container.optional("indirectProbeCount") ?? indirectProbeCount
        retransmitMultiplier = try container.optional("retransmitMultiplier") ?? retransmitMultiplier
        suspicionMultiplier = try container.optional("suspicionMultiplier") ?? suspicionMultiplier
        suspicionMaxTimeoutMultiplier =
            try container.optional("suspicionMaxTimeoutMultiplier") ?? suspicionMaxTimeoutMultiplier
        suspicionConfirmations = try container.optional("suspicionConfirmations") ?? suspicionConfirmations
        gossipIntervalMilliseconds = try container.optional("gossipIntervalMilliseconds") ?? gossipIntervalMilliseconds
        pushPullIntervalSeconds = try container.optional("pushPullIntervalSeconds") ?? pushPullIntervalSeconds
        reapAfterSeconds = try container.optional("reapAfterSeconds") ?? reapAfterSeconds
        datagramBytesMax = try container.optional("datagramBytesMax") ?? datagramBytesMax
        replicaCount = try container.optional("replicaCount") ?? replicaCount
        antiEntropyIntervalSeconds = try container.optional("antiEntropyIntervalSeconds") ?? antiEntropyIntervalSeconds
        tombstoneRetentionSeconds = try container.optional("tombstoneRetentionSeconds") ?? tombstoneRetentionSeconds
        downOutSeconds = try container.optional("downOutSeconds") ?? downOutSeconds
        ackMode = try container.optional("ackMode") ?? ackMode
        remoteAckTimeoutSeconds = try container.optional("remoteAckTimeoutSeconds") ?? remoteAckTimeoutSeconds
        auditInstancesPerSecond = try container.optional("auditInstancesPerSecond") ?? auditInstancesPerSecond
        tls = try container.optional("tls")
    }

    /// Encodes every setting, defaults included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(territory, forKey: ConfigKey("territory"))
        try container.encode(gossip, forKey: ConfigKey("gossip"))
        try container.encode(seeds, forKey: ConfigKey("seeds"))
        try container.encode(keyFile, forKey: ConfigKey("keyFile"))
        try container.encode(probeIntervalMilliseconds, forKey: ConfigKey("probeIntervalMilliseconds"))
        try container.encode(probeTimeoutMilliseconds, forKey: ConfigKey("probeTimeoutMilliseconds"))
        try container.encode(indirectProbeCount, forKey: ConfigKey("indirectProbeCount"))
        try container.encode(retransmitMultiplier, forKey: ConfigKey("retransmitMultiplier"))
        try container.encode(suspicionMultiplier, forKey: ConfigKey("suspicionMultiplier"))
        try container.encode(suspicionMaxTimeoutMultiplier, forKey: ConfigKey("suspicionMaxTimeoutMultiplier"))
        try container.encode(suspicionConfirmations, forKey: ConfigKey("suspicionConfirmations"))
        try container.encode(gossipIntervalMilliseconds, forKey: ConfigKey("gossipIntervalMilliseconds"))
        try container.encode(pushPullIntervalSeconds, forKey: ConfigKey("pushPullIntervalSeconds"))
        try container.encode(reapAfterSeconds, forKey: ConfigKey("reapAfterSeconds"))
        try container.encode(datagramBytesMax, forKey: ConfigKey("datagramBytesMax"))
        try container.encode(replicaCount, forKey: ConfigKey("replicaCount"))
        try container.encode(antiEntropyIntervalSeconds, forKey: ConfigKey("antiEntropyIntervalSeconds"))
        try container.encode(tombstoneRetentionSeconds, forKey: ConfigKey("tombstoneRetentionSeconds"))
        try container.encode(downOutSeconds, forKey: ConfigKey("downOutSeconds"))
        try container.encode(ackMode, forKey: ConfigKey("ackMode"))
        try container.encode(remoteAckTimeoutSeconds, forKey: ConfigKey("remoteAckTimeoutSeconds"))
        try container.encode(auditInstancesPerSecond, forKey: ConfigKey("auditInstancesPerSecond"))
        try container.encodeIfPresent(tls, forKey: ConfigKey("tls"))
    }
}
