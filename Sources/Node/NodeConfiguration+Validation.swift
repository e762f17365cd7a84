// Checking a node configuration's values after decoding: ranges, the store layout, the listen address, the
// anonymous-access rule and the tokens. Each failure names the key and what is wrong with it.
public import ObjectStore

extension NodeConfiguration {
    /// Checks every setting, naming the first bad one.
    public func validate() throws(NodeError) {
        guard !dataDirectory.isEmpty else { throw NodeError(.configuration, "'dataDirectory' must not be empty") }
        _ = try storeConfiguration()
        let address = try listenAddress
        _ = try siteID
        if let publicURL {
            let authority = publicURL.hasPrefix("http://") ? publicURL.dropFirst("http://".count) : ""
            guard !authority.isEmpty, !authority.contains("/"), !authority.contains(where: \.isWhitespace) else {
                throw NodeError(
                    .configuration,
                    "'publicURL' \"\(publicURL)\" must be http://HOST[:PORT] with no path, such as "
                        + "\"http://pacs.example.org:8042\"")
            }
        }
        if allowAnonymous && !address.isLoopback {
            throw NodeError(
                .configuration,
                "'allowAnonymous' is true but 'http' \(http) is not a loopback address (127.x.x.x); anonymous "
                    + "access is only allowed for a node reachable from this machine alone")
        }
        if !allowAnonymous && tokens.isEmpty {
            throw NodeError(
                .configuration, "'tokens' is empty and 'allowAnonymous' is false: no client could use this node")
        }
        try validateTokens()
        try validateLimits()
        try cluster?.validate()
        try dimse?.validate()
        guard (0...Self.readCacheBytesMax).contains(readCacheBytes) else {
            throw NodeError(
                .configuration,
                "'readCacheBytes' is \(readCacheBytes); it must be from 0 (no cache) to \(Self.readCacheBytesMax)")
        }
    }

    /// The store layout this configuration asks for: `volumeCount` volumes, `erasureCode` or the default code;
    /// nil when it names neither, so an existing store keeps its layout and a new one gets the defaults.
    public func storeConfiguration() throws(NodeError) -> StoreConfiguration? {
        guard volumeCount != nil || erasureCode != nil else { return nil }
        let count = volumeCount ?? StoreConfiguration.volumeCountDefault
        guard (1...64).contains(count) else {
            throw NodeError(.configuration, "'volumeCount' \(count) must be from 1 to 64")
        }
        var store = StoreConfiguration.defaults(volumeCount: count)
        if let erasureCode {
            store.dataShardCount = erasureCode.dataShardCount
            store.parityShardCount = erasureCode.parityShardCount
        }
        do {
            try store.validate()
        } catch {
            throw NodeError(.configuration, "'erasureCode': \(error.description)")
        }
        return store
    }

    private func validateTokens() throws(NodeError) {
        var names: Set<String> = []
        var secrets: Set<String> = []
        for (index, token) in tokens.enumerated() {
            let key = "tokens[\(index)]"
            guard !token.name.isEmpty else { throw NodeError(.configuration, "'\(key).name' must not be empty") }
            guard token.token.count >= Self.tokenLengthMin else {
                throw NodeError(
                    .configuration,
                    "'\(key).token' (\(token.name)) has \(token.token.count) characters; a token needs at least "
                        + "\(Self.tokenLengthMin) so it cannot be guessed")
            }
            guard token.token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw NodeError(
                    .configuration,
                    "'\(key).token' (\(token.name)) must be printable ASCII without spaces (it travels in a header)")
            }
            guard names.insert(token.name).inserted else {
                throw NodeError(.configuration, "'\(key).name' \"\(token.name)\" is used by an earlier token")
            }
            guard secrets.insert(token.token).inserted else {
                throw NodeError(
                    .configuration, "'\(key).token' (\(token.name)) is the same secret as an earlier token")
            }
        }
    }

    private func validateLimits() throws(NodeError) {
        let checks: [(String, Int64, ClosedRange<Int64>)] = [
            ("bodyBytesMax", limits.bodyBytesMax, 1 << 10...1 << 50),
            ("connectionCountMax", Int64(limits.connectionCountMax), 1...100_000),
            ("connectionsPerAddressMax", Int64(limits.connectionsPerAddressMax), 1...100_000),
            ("idleTimeoutSeconds", Int64(limits.idleTimeoutSeconds), 1...86_400),
            ("headerTimeoutSeconds", Int64(limits.headerTimeoutSeconds), 1...3_600),
            ("bodyRateBytesPerSecondMin", Int64(limits.bodyRateBytesPerSecondMin), 0...1 << 30),
            ("shutdownTimeoutSeconds", Int64(limits.shutdownTimeoutSeconds), 0...3_600),
        ]
        for (name, value, range) in checks where !range.contains(value) {
            throw NodeError(
                .configuration,
                "'limits.\(name)' is \(value); it must be from \(range.lowerBound) to \(range.upperBound)")
        }
    }
}
