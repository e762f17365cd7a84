// The one error type of the ObjectStore module. Each message names what was wrong (the key, the path, the
// address, the volume) so the operator can act on it without reading code.

/// A failed store operation.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for callers that map errors to statuses or exit codes.
    public enum Code: Sendable, Equatable {
        /// A setting is invalid or conflicts with the existing store.
        case configuration
        /// The data directory cannot be used.
        case dataDirectory
        /// No object has the address.
        case notFound
        /// A volume is full.
        case diskFull
        /// Too few volumes are available to write or read safely.
        case unavailable
        /// Stored bytes are damaged beyond what parity can rebuild.
        case corrupt
        /// The source being stored failed, or an operating-system call failed.
        case io
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
