// Why a Vivaldi configuration was refused: the value that was out of range, by name.

/// A refused Vivaldi configuration, naming the value and its allowed range.
public struct VivaldiConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which value was wrong and what was allowed.
    public let description: String
}
