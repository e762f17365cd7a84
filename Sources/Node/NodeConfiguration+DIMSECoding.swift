// Strict JSON decoding and full encoding of the `dimse` section, like the rest of the config file: unknown keys are
// errors, every setting but the section itself has a default, and encoding writes the defaults out.

extension NodeConfiguration.DIMSESettings: Codable {
    static let keys = [
        "aeTitle", "listen", "allowedCallers", "peers", "associationCountMax", "associationsPerAddressMax",
        "idleTimeoutSeconds", "artimTimeoutSeconds", "dataPDUBytesMax", "operationsPerAssociationMax",
        "findMatchCountMax", "retrieveInstanceCountMax",
    ]

    /// Decodes strictly; every key has a default.
    public init(from decoder: any Decoder) throws {
        let container = try strictContainer(decoder, known: Self.keys)
        self.init(
            aeTitle: try container.optional("aeTitle") ?? Self.aeTitleDefault,
            listen: try container.optional("listen") ?? Self.listenDefault)
        allowedCallers = try container.optional("allowedCallers")
        peers = try container.optional("peers") ?? []
        associationCountMax = try container.optional("associationCountMax") ?? associationCountMax
        associationsPerAddressMax = try container.optional("associationsPerAddressMax") ?? associationsPerAddressMax
        idleTimeoutSeconds = try container.optional("idleTimeoutSeconds") ?? idleTimeoutSeconds
        artimTimeoutSeconds = try container.optional("artimTimeoutSeconds") ?? artimTimeoutSeconds
        dataPDUBytesMax = try container.optional("dataPDUBytesMax") ?? dataPDUBytesMax
        operationsPerAssociationMax =
            try container.optional("operationsPerAssociationMax") ?? operationsPerAssociationMax
        findMatchCountMax = try container.optional("findMatchCountMax") ?? findMatchCountMax
        retrieveInstanceCountMax = try container.optional("retrieveInstanceCountMax") ?? retrieveInstanceCountMax
    }

    /// Encodes every setting, defaults included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(aeTitle, forKey: ConfigKey("aeTitle"))
        try container.encode(listen, forKey: ConfigKey("listen"))
        try container.encodeIfPresent(allowedCallers, forKey: ConfigKey("allowedCallers"))
        try container.encode(peers, forKey: ConfigKey("peers"))
        try container.encode(associationCountMax, forKey: ConfigKey("associationCountMax"))
        try container.encode(associationsPerAddressMax, forKey: ConfigKey("associationsPerAddressMax"))
        try container.encode(idleTimeoutSeconds, forKey: ConfigKey("idleTimeoutSeconds"))
        try container.encode(artimTimeoutSeconds, forKey: ConfigKey("artimTimeoutSeconds"))
        try container.encode(dataPDUBytesMax, forKey: ConfigKey("dataPDUBytesMax"))
        try container.encode(operationsPerAssociationMax, forKey: ConfigKey("operationsPerAssociationMax"))
        try container.encode(findMatchCountMax, forKey: ConfigKey("findMatchCountMax"))
        try container.encode(retrieveInstanceCountMax, forKey: ConfigKey("retrieveInstanceCountMax"))
    }
}
