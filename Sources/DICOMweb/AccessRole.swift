// The roles a bearer token can hold and what each may do. Owns the order of roles; checking a request's token is
// AccessPolicy's job.

/// What a token holder may do: admin ⊇ write ⊇ read.
public enum AccessRole: String, Sendable, Codable, Comparable, CaseIterable {
    /// QIDO-RS and WADO-RS.
    case read
    /// Also STOW-RS.
    case write
    /// Also the administrative operations of the node.
    case admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    public static func < (lhs: AccessRole, rhs: AccessRole) -> Bool { lhs.rank < rhs.rank }

    /// Whether a holder of this role may do what `required` allows.
    public func permits(_ required: AccessRole) -> Bool { self >= required }
}

/// One bearer token from the node's configuration and the role it grants.
public struct AccessToken: Sendable, Codable, Equatable {
    /// The secret the client sends as `Authorization: Bearer <token>`.
    public var token: String
    /// What the holder may do.
    public var role: AccessRole

    /// Makes a token.
    public init(token: String, role: AccessRole) {
        self.token = token
        self.role = role
    }
}
