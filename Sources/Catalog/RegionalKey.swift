// What one row of the regional catalog is about: an instance (its attributes and record), or one node's holding of
// an instance. Holdings are rows of their own, so two sites adding themselves as holders at once never conflict.
public import Primitives

/// The key of a regional catalog row, ordered by instance, then kind, then holder.
public struct RegionalKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What the row describes.
    public enum Kind: UInt8, Sendable, Hashable, Comparable {
        /// The instance itself: its catalog attributes and record (manifest, length, origin).
        case instance = 1
        /// One node holds the instance whole.
        case holding = 2

        public static func < (left: Kind, right: Kind) -> Bool { left.rawValue < right.rawValue }
    }

    /// Longest SOP Instance UID (PS3.5 §9.1: 64 characters).
    public static let instanceUIDBytesMax = 64

    /// The row's kind.
    public let kind: Kind
    /// The SOP Instance UID.
    public let instanceUID: String
    /// The holding node (`.holding` rows only).
    public let holder: NodeID?

    /// The key of an instance's own row.
    public static func instance(_ instanceUID: String) -> RegionalKey {
        RegionalKey(kind: .instance, instanceUID: instanceUID, holder: nil)
    }

    /// The key of `holder`'s holding of an instance.
    public static func holding(_ instanceUID: String, by holder: NodeID) -> RegionalKey {
        RegionalKey(kind: .holding, instanceUID: instanceUID, holder: holder)
    }

    private init(kind: Kind, instanceUID: String, holder: NodeID?) {
        precondition(
            !instanceUID.isEmpty && instanceUID.utf8.count <= Self.instanceUIDBytesMax,
            "a regional key's instance UID has 1...\(Self.instanceUIDBytesMax) bytes")
        self.kind = kind
        self.instanceUID = instanceUID
        self.holder = holder
    }

    public static func < (left: RegionalKey, right: RegionalKey) -> Bool {
        if left.instanceUID != right.instanceUID { return left.instanceUID < right.instanceUID }
        if left.kind != right.kind { return left.kind < right.kind }
        return (left.holder?.rawValue ?? 0) < (right.holder?.rawValue ?? 0)
    }

    public var description: String {
        switch kind {
        case .instance: "instance \(instanceUID)"
        case .holding: "holding of \(instanceUID) by \(holder.map { "\($0)" } ?? "?")"
        }
    }
}
