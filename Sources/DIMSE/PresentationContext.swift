// Presentation contexts: what a requestor proposes (an abstract syntax and the transfer syntaxes it can send it in)
// and what the acceptor answers for each (PS3.8 §7.1.1.13, §9.3.2.2, §9.3.3.2). Choosing is AssociationPolicy's.

/// One presentation context a requestor proposes (item 20H).
public struct PresentationContextProposal: Sendable, Equatable {
    /// Its identifier: odd, 1 to 255, unique in the request.
    public var id: UInt8
    /// The SOP class or meta SOP class it is for (sub-item 30H).
    public var abstractSyntax: String
    /// The transfer syntaxes the requestor can use for it, in its order of preference (sub-items 40H).
    public var transferSyntaxes: [String]

    /// Makes a proposal.
    public init(id: UInt8, abstractSyntax: String, transferSyntaxes: [String]) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
    }
}

/// The acceptor's answer for one proposed presentation context (item 21H).
public struct PresentationContextResult: Sendable, Equatable {
    /// Why a context is accepted or not (PS3.8 Table 9-18, "Result/Reason").
    public enum Outcome: UInt8, Sendable, Equatable {
        /// Accepted, with `transferSyntax`.
        case acceptance = 0
        /// Refused by the acceptor's user.
        case userRejection = 1
        /// Refused by the provider, no reason given.
        case noReason = 2
        /// The abstract syntax is not supported.
        case abstractSyntaxNotSupported = 3
        /// None of the proposed transfer syntaxes is supported.
        case transferSyntaxesNotSupported = 4
    }

    /// The identifier of the proposal this answers.
    public var id: UInt8
    /// Accepted or why not.
    public var outcome: Outcome
    /// The transfer syntax chosen; significant only when accepted.
    public var transferSyntax: String

    /// Makes an answer.
    public init(id: UInt8, outcome: Outcome, transferSyntax: String) {
        self.id = id
        self.outcome = outcome
        self.transferSyntax = transferSyntax
    }
}
