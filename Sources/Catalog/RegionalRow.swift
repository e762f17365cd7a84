// One row of the regional catalog as nodes exchange it, and the rule that merges two versions of it. The rule is
// last-writer-wins on the hybrid logical clock, total (the HLC's node id breaks its ties), so merging is
// commutative, associative and idempotent: every node reaches the same row whatever order updates arrive in.

/// A versioned row: a live value, or a tombstone saying the key was deleted at `version`.
public struct RegionalRow: Sendable, Hashable {
    /// Largest payload, in bytes: an instance's catalog attributes and record fit many times over.
    public static let payloadBytesMax = 64 * 1024

    /// What the row is about.
    public let key: RegionalKey
    /// When it was written, by which node.
    public let version: HLCTimestamp
    /// Whether the key was deleted at `version`.
    public let isTombstone: Bool
    /// The row's value (empty for tombstones and holdings): opaque here, the catalog's encoding.
    public let payload: [UInt8]

    /// A live row.
    public static func live(_ key: RegionalKey, version: HLCTimestamp, payload: [UInt8] = []) -> RegionalRow {
        RegionalRow(key: key, version: version, isTombstone: false, payload: payload)
    }

    /// A deletion of `key` at `version`.
    public static func tombstone(_ key: RegionalKey, version: HLCTimestamp) -> RegionalRow {
        RegionalRow(key: key, version: version, isTombstone: true, payload: [])
    }

    private init(key: RegionalKey, version: HLCTimestamp, isTombstone: Bool, payload: [UInt8]) {
        precondition(payload.count <= Self.payloadBytesMax, "a regional row's payload is at most 64 KiB")
        self.key = key
        self.version = version
        self.isTombstone = isTombstone
        self.payload = payload
    }

    /// Whether this row wins over `other`, a version of the same key: the later version; at the very same version
    /// (one node never makes it twice, so only a corrupt or replayed row), the tombstone, then the larger payload,
    /// so the outcome still depends on nothing but the two rows.
    public func supersedes(_ other: RegionalRow) -> Bool {
        precondition(key == other.key, "only versions of one key are merged")
        if version != other.version { return version > other.version }
        if isTombstone != other.isTombstone { return isTombstone }
        return other.payload.lexicographicallyPrecedes(payload)
    }

    /// The row that survives merging `self` with `other`.
    public func merged(with other: RegionalRow) -> RegionalRow { other.supersedes(self) ? other : self }
}
