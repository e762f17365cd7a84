// The Merkle-style digest of a node's regional catalog for anti-entropy: rows fall into 4,096 buckets by instance,
// each bucket's digest is the XOR of its rows' fingerprints, and each inner node's the XOR of its 16 children. Two
// nodes compare the root, then the children of what differs, level by level, and end with the few buckets whose rows
// they then exchange: a catalog of 100,000 instances that differs in one costs three small rounds, not a full copy.

/// Digests of every bucket and every inner node, kept up to date row by row.
public struct RegionalDigestTree: Sendable, Hashable {
    /// Children per inner node.
    public static let fanout = 16
    /// Levels below the root; buckets are the last.
    public static let depth = 3
    /// Leaves: fanout^depth.
    public static let bucketCount = 4_096

    /// `levels[0]` is the root alone, `levels[depth]` the buckets.
    private var levels: [[RegionalFingerprint]]

    /// The digest of an empty catalog.
    public init() {
        var size = 1
        var levels: [[RegionalFingerprint]] = []
        for _ in 0...Self.depth {
            levels.append([RegionalFingerprint](repeating: .zero, count: size))
            size *= Self.fanout
        }
        self.levels = levels
    }

    /// The digest of everything.
    public var root: RegionalFingerprint { levels[0][0] }

    /// The digest of node `index` at `level` (0 = root, `depth` = buckets).
    public func digest(level: Int, index: Int) -> RegionalFingerprint { levels[level][index] }

    /// Adds or removes `row`'s fingerprint (the same call does both: XOR).
    public mutating func toggle(_ row: RegionalRow) {
        toggle(
            RegionalFingerprint(of: row),
            inBucket: RegionalFingerprint.bucket(of: row.key.instanceUID, bucketCount: Self.bucketCount))
    }

    /// Adds or removes a row known by its fingerprint and bucket (as the catalog's SQLite store keeps them, so the
    /// tree is rebuilt at open without reading a payload).
    public mutating func toggle(_ fingerprint: RegionalFingerprint, inBucket bucket: Int) {
        var index = bucket
        for level in stride(from: Self.depth, through: 0, by: -1) {
            levels[level][index] = levels[level][index].toggled(by: fingerprint)
            index /= Self.fanout
        }
    }

    /// The digests of the children of `parents` (indices at `level`), in order: what a peer sends for comparison.
    public func children(of parents: [Int], atLevel level: Int) -> [RegionalFingerprint] {
        precondition(level < Self.depth, "buckets have no children")
        return parents.flatMap { parent in levels[level + 1][parent * Self.fanout..<(parent + 1) * Self.fanout] }
    }

    /// The children of `parents` at `level` whose digests differ from `theirs` (a peer's `children(of:atLevel:)`
    /// for the same parents), as indices at `level + 1`; nil if `theirs` has the wrong count.
    public func differingChildren(
        of parents: [Int], atLevel level: Int, theirs: [RegionalFingerprint]
    ) -> [Int]? {
        let mine = children(of: parents, atLevel: level)
        guard theirs.count == mine.count else { return nil }
        var differing: [Int] = []
        for (offset, parent) in parents.enumerated() {
            for child in 0..<Self.fanout
            where mine[offset * Self.fanout + child] != theirs[offset * Self.fanout + child] {
                differing.append(parent * Self.fanout + child)
            }
        }
        return differing
    }

    /// The buckets where `self` and `other` differ, found the way two peers find them: from the root down.
    public func differingBuckets(from other: RegionalDigestTree) -> [Int] {
        guard root != other.root else { return [] }
        var parents = [0]
        for level in 0..<Self.depth {
            guard
                let next = differingChildren(
                    of: parents, atLevel: level, theirs: other.children(of: parents, atLevel: level))
            else { preconditionFailure("two trees of one shape") }
            parents = next
        }
        return parents
    }
}
