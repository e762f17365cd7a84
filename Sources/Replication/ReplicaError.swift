// Why a replica transfer or offer was refused, with the HTTP status a node answers it with: a malformed or
// inconsistent request is the sender's fault (400), a chunk whose bytes do not match its address too (422), a
// store that cannot take it the target's (507 full, 503 otherwise).
public import HTTP

/// A refused replica offer or transfer.
public struct ReplicaError: Error, Sendable, Equatable, CustomStringConvertible, HTTPStatusError {
    /// What kind of refusal.
    public enum Code: Sendable, Equatable {
        /// The request does not parse or is over a limit.
        case malformed
        /// It parses but contradicts itself (an address that is not its manifest's, a row for another instance).
        case inconsistent
        /// A chunk's bytes do not match its address.
        case corrupt
        /// The target cannot store it now (volumes unavailable, a chunk it said it held is gone).
        case unavailable
        /// The target's volumes are full.
        case full
        /// Reading the request failed.
        case io
        /// A holder did not begin answering within the time a hedged read allowed it (never sent as a status).
        case slow
    }

    public let code: Code
    /// What was wrong, for the sender's log.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "replica refused: \(reason)" }

    public var status: Int {
        switch code {
        case .malformed, .inconsistent, .io: 400
        case .corrupt: 422
        case .unavailable: 503
        case .full: 507
        case .slow: 504
        }
    }
}
