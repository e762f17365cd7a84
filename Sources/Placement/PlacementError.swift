// Why placement refused its input: a topology or a policy that does not make sense, named precisely.

/// A refused topology or policy. The description names the culprit (node id, site, territory, limit).
public struct PlacementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of input was wrong.
    public enum Code: Sendable, Equatable {
        /// The same node id appears twice.
        case duplicateNode
        /// One site is listed under two territories.
        case siteInTwoTerritories
        /// More nodes than `PlacementTopology.nodeCountMax`.
        case tooManyNodes
        /// A policy value outside its allowed range.
        case policyOutOfRange
    }

    /// What kind of input was wrong.
    public let code: Code
    /// Why, naming the culprit.
    public let description: String

    /// Makes an error of `code`, explained by `description`.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
