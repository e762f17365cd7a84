// The real RandomSource: the kernel's cryptographically secure generator (getrandom(2), through the standard
// library's SystemRandomNumberGenerator). Node ids and volume ids in production come from here.
public import Primitives

/// The system's secure random generator as a RandomSource.
public struct SystemRandomSource: RandomSource {
    /// Makes the source; it holds no state.
    public init() {}

    public func next() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }
}
