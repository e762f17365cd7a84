// The one error type of the Node module: what stops a node from starting or running, each message naming the key,
// path or address at fault so the operator can act on it.

/// A failure to configure, start or run a node.
public struct NodeError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for callers that map errors to exit codes.
    public enum Code: Sendable, Equatable {
        /// The configuration is invalid.
        case configuration
        /// The data directory, the store or the catalog cannot be used.
        case dataDirectory
        /// The HTTP server cannot listen (address in use, not permitted).
        case listen
    }

    /// What kind of failure.
    public let code: Code
    /// The message for people.
    public let description: String

    /// Makes an error.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
