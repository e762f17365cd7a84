// What the node counts about the HTTP requests it answers, for `/metrics`: requests by route and status, their
// latency in a fixed histogram, and bytes in and out. Routes are a handful of coarse names (never the path: UIDs
// in paths would make every request its own series).
import HTTP
import Primitives
import Synchronization

/// Request counters, safe from every request thread.
public final class RequestMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds (the last is +Inf).
    static let bucketBounds: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    struct Series: Sendable {
        var count = 0
        var seconds = 0.0
        var buckets = [Int](repeating: 0, count: RequestMetrics.bucketBounds.count)
    }

    struct State: Sendable {
        /// By route, then status.
        var requests: [String: [Int: Int]] = [:]
        /// By route.
        var latency: [String: Series] = [:]
        var bytesIn: Int64 = 0
        var bytesOut: Int64 = 0
    }

    let state = Mutex(State())

    public init() {}

    /// The route label of a path.
    static func route(method: String, path: String, dicomWebPath: String) -> String {
        switch path {
        case "/healthz": return "healthz"
        case "/metrics": return "metrics"
        case "/": return "page"
        default: break
        }
        if path.hasPrefix("/internal/") { return "internal" }
        if path.hasPrefix("/admin/") { return "admin" }
        guard path.hasPrefix(dicomWebPath) else { return "other" }
        if method == "POST" { return "stow" }
        if path.hasSuffix("/metadata") { return "wado_metadata" }
        let last = path.split(separator: "/").last ?? ""
        let isSearch = last == "studies" || last == "series" || last == "instances" || path.contains("?")
        return isSearch && !path.contains("/bulkdata") ? "qido" : "wado"
    }

    /// Records one answered request.
    func record(route: String, status: Int, seconds: Double, bytesIn: Int64, bytesOut: Int64) {
        state.withLock { state in
            state.requests[route, default: [:]][status, default: 0] += 1
            var series = state.latency[route] ?? Series()
            series.count += 1
            series.seconds += seconds
            for (index, bound) in Self.bucketBounds.enumerated() where seconds <= bound { series.buckets[index] += 1 }
            state.latency[route] = series
            state.bytesIn += bytesIn
            state.bytesOut += bytesOut
        }
    }
}

/// A response writer that notes the status and counts the body bytes it passes on.
struct CountingResponseWriter<Inner: HTTPResponseWriter>: HTTPResponseWriter {
    var inner: Inner
    var status: Int?
    var bytes: Int64 = 0

    mutating func writeHead(_ head: HTTPResponseHead) throws {
        status = head.status
        try inner.writeHead(head)
    }

    mutating func writeBody(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes += Int64(bytes.count)
        try inner.writeBody(bytes)
    }

    mutating func finish() throws { try inner.finish() }
}

/// A body source that counts what it yields.
struct CountingByteSource<Inner: ByteSource>: ByteSource {
    var inner: Inner
    var bytes: Int64 = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        bytes += Int64(count)
        return count
    }
}
