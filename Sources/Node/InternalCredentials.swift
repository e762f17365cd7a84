// Who may call a node's internal API: the holders of this cluster's key. Each request carries a token derived from
// the sender's primary key (never the key itself), and a node accepts the token of any key in its ring, so a key
// rotation splits nothing. Mutual TLS against the cluster CA replaces this on links between sites; until a node
// has certificates, this keeps strangers on the network out of the internal routes.
import Coding
import HTTP
import Primitives

/// The internal API's shared-secret tokens.
enum InternalCredentials {
    /// The header a token travels in.
    static let header = "X-Tessera-Cluster"

    /// The token of `key`: a SHA-256 of a fixed label and the key, in hex.
    static func token(_ key: ClusterKey) -> String {
        SHA256.hash(Array("tessera internal api v1\n".utf8) + key.bytes).hex
    }

    /// Whether `request` carries the token of a key in `keyring` (compared in constant time).
    static func isAuthenticated(_ request: HTTPRequestHead, keyring: ClusterKeyring) -> Bool {
        guard let presented = request.headers[header] else { return false }
        let given = Array(presented.utf8)
        var accepted = false
        for key in keyring.keys {
            let expected = Array(token(key).utf8)
            guard expected.count == given.count else { continue }
            var difference: UInt8 = 0
            for index in expected.indices { difference |= expected[index] ^ given[index] }
            accepted = accepted || difference == 0
        }
        return accepted
    }
}
