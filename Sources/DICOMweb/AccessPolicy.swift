// Decides whether a request may proceed: finds the role of its bearer token (RFC 6750 §2.1) in constant time, or
// grants read and write to anonymous requests where the node allows it. Owns no HTTP parsing beyond the header.
import Coding
import Primitives

/// The tokens and the anonymous rule of one responder.
public struct AccessPolicy: Sendable {
    /// SHA-256 of every token, with its role: comparing digests takes the same time whatever the tokens' lengths.
    private let digests: [(digest: [UInt8], role: AccessRole)]
    /// Whether a request without an Authorization header may read and write.
    public let allowsAnonymous: Bool

    /// The role anonymous requests get when allowed: enough to store and read, never to administer.
    public static let anonymousRole = AccessRole.write

    /// Makes a policy from the configured tokens.
    public init(tokens: [AccessToken], allowsAnonymous: Bool) {
        digests = tokens.map { (SHA256.hash(Array($0.token.utf8)).bytes, $0.role) }
        self.allowsAnonymous = allowsAnonymous
    }

    /// The role the request's `Authorization` header value grants, if it is allowed to do what `required` allows.
    ///
    /// Throws 401 when no valid token is given (and anonymous access is off) and 403 when the role is too weak.
    /// A present but unknown token is always a 401, even when anonymous access is allowed.
    @discardableResult
    public func authorize(authorization: String?, required: AccessRole) throws(DICOMwebError) -> AccessRole {
        let role: AccessRole
        if let authorization {
            guard let token = Self.bearerToken(authorization) else {
                throw DICOMwebError(.unauthorized, "the Authorization header must be \"Bearer <token>\"")
            }
            guard let found = lookUp(token) else {
                throw DICOMwebError(.unauthorized, "the bearer token is not valid")
            }
            role = found
        } else {
            guard allowsAnonymous else {
                throw DICOMwebError(.unauthorized, "this node requires a bearer token (Authorization: Bearer …)")
            }
            role = Self.anonymousRole
        }
        guard role.permits(required) else {
            throw DICOMwebError(.forbidden, "a token with role \(role.rawValue) may not do this; it needs \(required)")
        }
        return role
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), or nil.
    static func bearerToken(_ value: String) -> String? {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingSpaces
        return token.isEmpty ? nil : String(token)
    }

    /// The role of `token`, comparing against every configured token without stopping early.
    private func lookUp(_ token: String) -> AccessRole? {
        let digest = SHA256.hash(Array(token.utf8)).bytes
        var found: AccessRole?
        for (candidate, role) in digests {
            var difference: UInt8 = 0
            for index in 0..<digest.count { difference |= digest[index] ^ candidate[index] }
            if difference == 0 && found == nil { found = role }
        }
        return found
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
