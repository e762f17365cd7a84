// A RandomSource seen as the standard library's RandomNumberGenerator, for code that takes `some
// RandomNumberGenerator` (the gossip gate's nonce prefixes) while the node holds only its injected source.

/// Draws from a shared `RandomSource`.
public struct RandomSourceGenerator: RandomNumberGenerator, Sendable {
    /// The source every draw comes from.
    public let source: any RandomSource

    /// Wraps `source`.
    public init(_ source: any RandomSource) { self.source = source }

    public mutating func next() -> UInt64 { source.next() }
}
