// The node's own HTTP routes in front of DICOMweb: `GET /healthz` (JSON for load balancers and operators),
// `GET /admin/patient-conflicts` and `GET /admin/members` (admin token), and `GET /` (a short page saying what
// this is and where DICOMweb lives). Everything else goes to the inner responder.
public import DICOMweb
public import HTTP
public import Primitives

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Answers the node's own routes and hands every other request to `inner`.
public struct NodeRoutes<Inner: HTTPResponder>: HTTPResponder {
    /// The DICOMweb responder (or anything else) behind the node's routes.
    public let inner: Inner
    /// The path prefix DICOMweb answers under, "/dicom-web".
    public let dicomWebPath: String
    /// Reads the health report for each `/healthz` request from a reader; it runs on the connection's owned thread
    /// and may block.
    public let health: @Sendable () throws -> NodeHealth
    /// The status alone ("ok", "degraded", "unavailable") for `/healthz` requests without a read token; cheap, so
    /// anyone who can reach the port may ask it as often as they like.
    public let status: @Sendable () -> String
    /// The patient conflicts of the catalog, at most the given number of PatientIDs, for `/admin/patient-conflicts`;
    /// runs on the connection's owned thread and may block.
    public let patientConflicts: @Sendable (_ limit: Int) throws -> PatientConflictReport
    /// The member list for `/admin/members`; nil for a lone node.
    public let members: @Sendable () -> MembersReport?
    /// The internal API between nodes (`/internal/v1/…`); nil for a lone node.
    public let regional: @Sendable () -> (any HTTPResponder)?
    /// The region at a glance for `/admin/region` and the region page; nil for a lone node. May block.
    public let regionReport: @Sendable () -> RegionReport?
    /// The regional catalog's copies counted now for `/admin/copies`; nil for a lone node. May block.
    public let copies: @Sendable () throws -> CopiesReport?
    /// Counts every request for `/metrics`, timed on `clock`.
    public let requestMetrics: RequestMetrics
    let clock: (any TimeSource)?
    /// The rest of `/metrics` (store, membership, region), in Prometheus text; may block.
    let metricsText: @Sendable () throws -> String
    /// Who may read the health figures (a read token, or anyone when anonymous access is on) and the admin routes
    /// (an admin token only).
    public let access: AccessPolicy
    /// Counts requests in flight and refuses new ones during shutdown.
    public let gate: RequestGate
    /// The port added to a Host header that has none, or nil to leave Host alone (a public URL is configured).
    public let hostPort: ListeningPort?

    /// Puts the node's routes in front of `inner`.
    public init(
        inner: Inner, dicomWebPath: String, gate: RequestGate, access: AccessPolicy, hostPort: ListeningPort? = nil,
        status: @escaping @Sendable () -> String, health: @escaping @Sendable () throws -> NodeHealth,
        patientConflicts: @escaping @Sendable (_ limit: Int) throws -> PatientConflictReport,
        members: @escaping @Sendable () -> MembersReport? = { nil },
        regional: @escaping @Sendable () -> (any HTTPResponder)? = { nil },
        regionReport: @escaping @Sendable () -> RegionReport? = { nil },
        copies: @escaping @Sendable () throws -> CopiesReport? = { nil },
        requestMetrics: RequestMetrics = RequestMetrics(), clock: (any TimeSource)? = nil,
        metricsText: @escaping @Sendable () throws -> String = { "" }
    ) {
        self.members = members
        self.regional = regional
        self.regionReport = regionReport
        self.copies = copies
        self.requestMetrics = requestMetrics
        self.clock = clock
        self.metricsText = metricsText
        self.patientConflicts = patientConflicts
        self.inner = inner
        self.dicomWebPath = dicomWebPath
        self.gate = gate
        self.access = access
        self.hostPort = hostPort
        self.status = status
        self.health = health
    }

    public func respond(
        to request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        let start = clock?.now()
        var source = CountingByteSource(inner: body)
        var writer = CountingResponseWriter(inner: response)
        var status = 500
        defer {
            body = source.inner
            response = writer.inner
            requestMetrics.record(
                route: RequestMetrics.route(method: request.method, path: request.path, dicomWebPath: dicomWebPath),
                status: writer.status ?? status,
                seconds: start.map { Double((clock?.now() ?? $0).ticks(since: $0)) / Double(Instant.ticksPerSecond) }
                    ?? 0,
                bytesIn: source.bytes, bytesOut: writer.bytes)
        }
        do {
            try gate.admit { try route(request, body: &source, response: &writer) }
        } catch let error as any HTTPStatusError {
            status = error.status
            throw error
        }
    }

    private func route(
        _ request: HTTPRequestHead, body: inout some ByteSource, response: inout some HTTPResponseWriter
    ) throws {
        switch request.path {
        case "/healthz":
            try requireGet(request)
            try answerHealth(request, response: &response)
        case "/metrics":
            try requireGet(request)
            if request.headers["Authorization"] != nil || !access.allowsAnonymous {
                try access.authorize(authorization: request.headers["Authorization"], required: .read)
            }
            try send(
                status: 200, type: "text/plain; version=0.0.4; charset=utf-8", Array(try metricsText().utf8),
                request: request, response: &response)
        case "/admin/patient-conflicts":
            try requireGet(request)
            try access.authorize(authorization: request.headers["Authorization"], required: .admin)
            let limit = try Self.limit(
                request, default: PatientConflictReport.limitDefault,
                max: PatientConflictReport.limitMax)
            try sendJSON(try patientConflicts(limit), request: request, response: &response)
        case "/admin/region":
            try requireGet(request)
            try access.authorize(authorization: request.headers["Authorization"], required: .admin)
            try sendJSON(try clusterOnly(regionReport()), request: request, response: &response)
        case "/admin/copies":
            try requireGet(request)
            try access.authorize(authorization: request.headers["Authorization"], required: .admin)
            try sendJSON(try clusterOnly(copies()), request: request, response: &response)
        case "/admin/members":
            try requireGet(request)
            try access.authorize(authorization: request.headers["Authorization"], required: .admin)
            try sendJSON(try clusterOnly(members()), request: request, response: &response)
        case "/":
            try requireGet(request)
            try send(
                status: 200, type: "text/html; charset=utf-8", Array(page().utf8), request: request,
                response: &response)
        case let path where path.hasPrefix("/internal/"):
            guard let regional = regional() else {
                throw NodeRouteError(status: 404, reason: "this node is not in a cluster: it has no internal routes")
            }
            try regional.respond(to: request, body: &body, response: &response)
        default:
            try inner.respond(to: withPort(request), body: &body, response: &response)
        }
    }

    /// Answers `/healthz`: the figures for a reader (or anyone, with anonymous access on), the status alone for a
    /// request without a token, so a load balancer needs none and a stranger learns nothing about the node's
    /// content. A token that is not valid is a 401, as on DICOMweb.
    private func answerHealth(_ request: HTTPRequestHead, response: inout some HTTPResponseWriter) throws {
        let authorization = request.headers["Authorization"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let summary: String
        let body: [UInt8]
        if authorization == nil && !access.allowsAnonymous {
            summary = status()
            body = Array(try encoder.encode(NodeHealth.Summary(status: summary)))
        } else {
            try access.authorize(authorization: authorization, required: .read)
            let report = try health()
            summary = report.status
            body = Array(try encoder.encode(report))
        }
        try send(
            status: summary == NodeHealth.unavailable ? 503 : 200, type: "application/json",
            body + [UInt8(ascii: "\n")], request: request, response: &response)
    }

    /// The request with the listening port added to a Host header that names none.
    ///
    /// Some clients (dicomweb-client) send `Host: 127.0.0.1` to a node on port 8042; DICOMweb builds its links from
    /// Host, and without the port they would point at port 80.
    func withPort(_ request: HTTPRequestHead) -> HTTPRequestHead {
        guard let port = hostPort?.value, port > 0, let host = request.headers["Host"], !host.isEmpty,
            !host.hasSuffix("]"), !host.contains(":")
        else { return request }
        var changed = request
        changed.headers.replace("Host", host + ":" + String(port))
        return changed
    }

    /// The request's `limit` query parameter within 1...`max`, or `default` without one; 400 for anything else.
    static func limit(_ request: HTTPRequestHead, default limitDefault: Int, max limitMax: Int)
        throws(NodeRouteError) -> Int
    {
        guard let text = request.queryItems.last(where: { $0.name == "limit" })?.value else { return limitDefault }
        guard let limit = Int(text), (1...limitMax).contains(limit) else {
            throw NodeRouteError(status: 400, reason: "limit \"\(text.prefix(32))\" is not a number in 1...\(limitMax)")
        }
        return limit
    }

    /// `value`, or a 404 saying this node is not in a cluster.
    private func clusterOnly<Value>(_ value: Value?) throws(NodeRouteError) -> Value {
        guard let value else {
            throw NodeRouteError(
                status: 404, reason: "this node is not in a cluster (its config has no 'cluster' section)")
        }
        return value
    }

    /// Answers `value` as pretty-printed JSON with sorted keys.
    private func sendJSON(
        _ value: some Encodable, request: HTTPRequestHead, response: inout some HTTPResponseWriter
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let body = Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
        try send(status: 200, type: "application/json", body, request: request, response: &response)
    }

    private func requireGet(_ request: HTTPRequestHead) throws(NodeRouteError) {
        guard request.method == "GET" || request.method == "HEAD" else {
            throw NodeRouteError(status: 405, reason: "\(request.path) answers GET and HEAD only")
        }
    }

    private func send(
        status: Int, type: String, _ bytes: [UInt8], request: HTTPRequestHead, response: inout some HTTPResponseWriter
    ) throws {
        var headers = HTTPHeaders()
        headers.add("Content-Type", type)
        headers.add("Content-Length", String(bytes.count))
        headers.add("Cache-Control", "no-store")
        try response.writeHead(HTTPResponseHead(status: status, headers: headers))
        if request.method != "HEAD" { try bytes.withUnsafeBytes { try response.writeBody($0) } }
        try response.finish()
    }

    private func page() -> String {
        let region = regional() == nil ? "" : RegionPage.html
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Tessera node</title>
            \(region.isEmpty ? "" : RegionPage.style)</head>
            <body>
            <h1>Tessera archive node</h1>
            <p>This is a Tessera node, an archive for medical images (DICOM).</p>
            <p>DICOMweb (STOW-RS, QIDO-RS, WADO-RS) lives at <code>\(dicomWebPath)</code>, for example
            <code>GET \(dicomWebPath)/studies</code>. Health: <a href="/healthz">/healthz</a>.</p>
            \(region)
            </body></html>

            """
    }
}

/// A request to a node route that the route does not answer (a wrong method).
public struct NodeRouteError: HTTPStatusError, Sendable {
    /// The status to answer with.
    public let status: Int
    /// What was wrong.
    public let reason: String

    /// The headers: `Allow` for a 405, `Retry-After` for a 503.
    public var headers: HTTPHeaders {
        switch status {
        case 405: HTTPHeaders([("Allow", "GET, HEAD")])
        case 503: HTTPHeaders([("Retry-After", "5"), ("Connection", "close")])
        default: HTTPHeaders()
        }
    }
}
