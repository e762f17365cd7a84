// The one error type of the chaos runner: a topology file that is wrong, a tool or kernel feature the machine lacks,
// a command of the fabric that failed, a host name nobody knows. One line for the operator, naming what was wrong.

/// A chaos operation that could not be done, as one line naming what was wrong.
public struct ChaosError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; the set stays open (a struct, not an exhaustive enum).
    public struct Code: Hashable, Sendable {
        let name: String
        /// The topology file is unreadable or breaks its rules.
        public static let topology = Code(name: "topology")
        /// The machine lacks something the fabric needs (root, a tool, a kernel feature).
        public static let missingPrerequisite = Code(name: "missingPrerequisite")
        /// A command of the fabric (`ip`, `tc`, `nft`) failed.
        public static let command = Code(name: "command")
        /// The state folder holds no fabric, or one that cannot be read.
        public static let state = Code(name: "state")
        /// A host, site or territory name that the fabric does not know, or an invalid fault.
        public static let argument = Code(name: "argument")
        /// A history file that cannot be read back.
        public static let history = Code(name: "history")
        /// A scenario file that is unreadable, or names what the topology does not have.
        public static let scenario = Code(name: "scenario")
    }

    /// What kind of failure this is.
    public let code: Code
    /// The sentence naming what was wrong.
    public let description: String

    /// Makes an error of kind `code` saying `description`.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
