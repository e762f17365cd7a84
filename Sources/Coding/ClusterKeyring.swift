// The cluster keyring: the primary key a node seals with, older keys it still opens, rotation, and the key file
// format (one base64 key per line, primary first). Reading the file from disk is the caller's (DiskIO).

/// The keys a node holds for gossip: one primary key that seals, plus older keys still accepted when opening.
///
/// Rotation without a restart or a split (issue 11, "Security of gossip"): first every node gets the new key as
/// an *older* key (it opens with it, still seals with the old one); then every node makes it primary; last, the old
/// key is dropped. At every step each pair of nodes shares a key the sender seals with and the receiver opens
/// with. Keys are distinct by id, and a keyring holds at most `keyCountMax`, so a receiver's lookup is bounded.
public struct ClusterKeyring: Sendable, Equatable {
    /// The most keys one keyring holds, primary included.
    public static let keyCountMax = 8
    /// The longest key file accepted, in bytes: `keyCountMax` keys with generous room for comments.
    public static let fileByteCountMax = 64 * 1024

    /// The key every envelope is sealed with.
    public let primary: ClusterKey
    /// Older keys still accepted when opening, most recent first.
    public let older: [ClusterKey]

    /// Makes a keyring; throws when it would hold more than `keyCountMax` keys or two keys with one id.
    public init(primary: ClusterKey, older: [ClusterKey] = []) throws(CodingError) {
        let all = [primary] + older
        guard all.count <= Self.keyCountMax else { throw .keyringFull(keyCount: all.count, limit: Self.keyCountMax) }
        for (index, key) in all.enumerated() where all[..<index].contains(where: { $0.id == key.id }) {
            throw .keyringDuplicate(keyID: key.id)
        }
        self.primary = primary
        self.older = older
    }

    /// Every key, primary first.
    public var keys: [ClusterKey] { [primary] + older }

    /// The key whose id is `id`, or nil: the one key an envelope naming `id` may be opened with.
    public func key(id: UInt32) -> ClusterKey? {
        if primary.id == id { return primary }
        return older.first { $0.id == id }
    }

    /// This keyring with `key` as the new primary and the old primary first among the older keys; the oldest keys
    /// fall off so that at most `keyCountMax` remain. A key already held moves to the front instead of repeating.
    public func rotated(to key: ClusterKey) -> ClusterKeyring {
        let rest = keys.filter { $0.id != key.id }
        do {
            return try ClusterKeyring(primary: key, older: Array(rest.prefix(Self.keyCountMax - 1)))
        } catch {
            preconditionFailure("a rotated keyring is distinct and bounded by construction: \(error)")
        }
    }

    /// This keyring with `key` accepted but not sealing with it yet: the first step of a rotation.
    public func accepting(_ key: ClusterKey) throws(CodingError) -> ClusterKeyring {
        if self.key(id: key.id) != nil { return self }
        return try ClusterKeyring(primary: primary, older: [key] + older)
    }

    // MARK: - Key file

    /// Parses a key file: one base64 key per line, the first key the primary; blank lines and lines starting with
    /// "#" are ignored, as is white space around a key.
    ///
    /// Errors name the line (counting from 1) and what is wrong with it; the key itself is never echoed.
    public static func parse(fileText: String) throws(CodingError) -> ClusterKeyring {
        guard fileText.utf8.count <= fileByteCountMax else {
            throw .keyFileLine(line: 1, reason: "the file is over \(fileByteCountMax) bytes")
        }
        var keys: [ClusterKey] = []
        let lines = fileText.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingWhiteSpace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let key = ClusterKey(text: String(line)) else {
                throw .keyFileLine(
                    line: index + 1,
                    reason: "not a key: expected \(ClusterKey.textCharacterCount) characters of base64 for "
                        + "\(AESGCM.keyByteCount) bytes, found \(line.count) characters")
            }
            if let earlier = keys.first(where: { $0.id == key.id }) {
                throw .keyFileLine(line: index + 1, reason: "\(earlier) appears twice")
            }
            guard keys.count < keyCountMax else {
                throw .keyFileLine(line: index + 1, reason: "more than \(keyCountMax) keys")
            }
            keys.append(key)
        }
        guard let primary = keys.first else { throw .keyFileEmpty }
        return try ClusterKeyring(primary: primary, older: Array(keys.dropFirst()))
    }

    /// The key file text of this keyring: a comment line, then one key per line, primary first.
    public var fileText: String {
        "# Tessera cluster keys: the first seals, all open (base64, \(AESGCM.keyByteCount) bytes each)\n"
            + keys.map { $0.text + "\n" }.joined()
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingWhiteSpace() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        var result = self
        while let first = result.first, isBlank(first) { result.removeFirst() }
        while let last = result.last, isBlank(last) { result.removeLast() }
        return result
    }
}
