// The internal API's own listener when the region has certificates: mutual TLS on `cluster.tls.listen`, serving
// `/internal/v1/…` only; a handshake without a certificate of this cluster is refused, logged and counted with the
// internal API's other refusals, so an operator sees a stranger knocking.
import HTTP
import Primitives
import Replication
import Transport

extension ArchiveNode {
    /// Binds the internal API's server, or returns nil when the configuration has no `cluster.tls`.
    static func internalServer(
        _ configuration: NodeConfiguration, serverConfiguration: HTTPServerConfiguration, tls: TLSContext?,
        region: Slot<RegionServices>, environment: NodeEnvironment, log: @escaping @Sendable (String) -> Void
    ) throws(NodeError) -> HTTPServer? {
        guard let settings = configuration.cluster?.tls, let tls else { return nil }
        let address = try settings.internalAddress
        var internalConfiguration = serverConfiguration
        internalConfiguration.host = address.host
        internalConfiguration.port = address.port
        // Replica transfers are bounded by the internal API's own limits, not by a client's body limit.
        internalConfiguration.limits = HTTPLimits()
        do {
            return try HTTPServer(
                configuration: internalConfiguration, responder: InternalRoutes(region: region),
                clock: environment.monotonicClock, wallClock: environment.wallClock, log: log, tls: tls,
                refused: { error in
                    region.value?.responder.refusals.refusedHandshake()
                    log("internal API: refused \(error.message)")
                })
        } catch {
            throw NodeError(.listen, "cannot listen on \(settings.listen) (cluster.tls.listen): \(reason(error))")
        }
    }
}

/// What the internal port answers: the internal API and nothing else.
struct InternalRoutes: HTTPResponder {
    let region: Slot<RegionServices>

    func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        guard request.path.hasPrefix(RegionalResponder.pathPrefix), let responder = region.value?.responder else {
            throw NodeRouteError(status: 404, reason: "this port serves only the internal API (/internal/v1/)")
        }
        try responder.respond(to: request, body: &body, response: &response)
    }
}
