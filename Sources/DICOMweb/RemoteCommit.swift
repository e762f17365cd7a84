// STOW-RS's acknowledgement modes in a region (DESIGN.md, "The path of one instance"): `local` answers once the
// instance is durable at this node (the outbox carries it to the other sites); `remote` answers once another site
// has committed it too. A client asks per request with `?ack=remote` (or `?ack=local`) on the STOW-RS URL; without
// it the node's configured mode applies. An instance no other site confirmed in time (or none is reachable) is still
// stored here and replicated once a site can take it: the response says so (202, a comment and a Warning header);
// it is never reported as a failure.
/// Another site's commit of stored instances.
public protocol RemoteCommit: Sendable {
    /// Whether STOW-RS waits for another site when the request does not say (`ackMode` "remote").
    var isRemoteByDefault: Bool { get }
    /// Sends `instanceUIDs` to other sites now if they are not there yet and waits, at most `seconds`, for each to
    /// be committed at one; returns those that were.
    func confirm(instanceUIDs: [String], withinSeconds seconds: Double) -> Set<String>
}

/// How a STOW-RS request is acknowledged.
enum StoreAck: Equatable {
    case local
    case remote

    /// The mode `ack` (a query value) asks for; nil when absent. Throws a 400 naming the parameter otherwise.
    static func parse(_ value: String?) throws(DICOMwebError) -> StoreAck? {
        switch value {
        case nil: nil
        case "local": .local
        case "remote": .remote
        case .some(let other):
            throw DICOMwebError(
                .badRequest, "ack=\"\(other.prefix(32))\" is not an acknowledgement mode; use ack=local or ack=remote")
        }
    }
}
