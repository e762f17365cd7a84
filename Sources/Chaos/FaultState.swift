// The faults in force on a fabric: which directions are cut and how the others are shaped. A value: the fabric
// applies it as a whole (the packet filter's rules and each host's queueing rebuilt from it), so the network
// always matches what the state file says, whatever order the operations came in.

/// One direction between two hosts, by host name.
public struct DirectedLink: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The sending host.
    public let source: String
    /// The receiving host.
    public let target: String

    /// The direction from `source` to `target`.
    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }

    public var description: String { "\(source)→\(target)" }

    public static func < (left: DirectedLink, right: DirectedLink) -> Bool {
        (left.source, left.target) < (right.source, right.target)
    }
}

/// The faults in force: cut directions and shaped directions.
public struct FaultState: Sendable, Equatable, Codable {
    /// Directions whose packets are all dropped.
    public private(set) var cutLinks: Set<DirectedLink> = []
    /// Directions that are delayed, lossy or capped.
    public private(set) var shapes: [DirectedLink: LinkShape] = [:]

    /// No faults.
    public init() {}

    /// Whether nothing is cut or shaped.
    public var isClear: Bool { cutLinks.isEmpty && shapes.isEmpty }

    /// Cuts every direction from each of `sources` to each of `targets` (a host is never cut from itself).
    public mutating func cut(from sources: [String], to targets: [String]) {
        for source in sources {
            for target in targets where source != target { cutLinks.insert(.init(source: source, target: target)) }
        }
    }

    /// Restores every direction from each of `sources` to each of `targets`.
    public mutating func restore(from sources: [String], to targets: [String]) {
        for source in sources { for target in targets { cutLinks.remove(.init(source: source, target: target)) } }
    }

    /// Restores every cut direction; shapes stay.
    public mutating func restoreAll() { cutLinks.removeAll() }

    /// Shapes every direction from each of `sources` to each of `targets` as `shape`; a clear shape removes it.
    public mutating func shape(from sources: [String], to targets: [String], as shape: LinkShape) {
        for source in sources {
            for target in targets where source != target {
                shapes[.init(source: source, target: target)] = shape.isClear ? nil : shape
            }
        }
    }

    /// The shaped directions leaving `source`, sorted by target.
    public func shapes(from source: String) -> [(target: String, shape: LinkShape)] {
        shapes.filter { $0.key.source == source }.sorted { $0.key < $1.key }.map { ($0.key.target, $0.value) }
    }

    private enum CodingKeys: String, CodingKey { case cutLinks, shapedLinks }

    private struct ShapedLink: Codable {
        let link: DirectedLink
        let shape: LinkShape
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cutLinks = Set(try container.decode([DirectedLink].self, forKey: .cutLinks))
        let shaped = try container.decode([ShapedLink].self, forKey: .shapedLinks)
        shapes = Dictionary(shaped.map { ($0.link, $0.shape) }, uniquingKeysWith: { _, last in last })
    }

    /// Encodes sorted, so the same faults always give the same file.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cutLinks.sorted(), forKey: .cutLinks)
        let shaped = shapes.sorted { $0.key < $1.key }.map { ShapedLink(link: $0.key, shape: $0.value) }
        try container.encode(shaped, forKey: .shapedLinks)
    }
}
