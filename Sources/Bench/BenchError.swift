// The one error type of the benches: a run that could not measure what it set out to (a server that would not
// start, an answer that was wrong, a figure the system would not give), as one line for the operator.

/// A bench run that failed, printed as one line.
public struct BenchError: Error, CustomStringConvertible {
    /// What failed, naming the server, file or figure.
    public let description: String

    /// Makes an error from one sentence.
    public init(_ description: String) { self.description = description }
}
