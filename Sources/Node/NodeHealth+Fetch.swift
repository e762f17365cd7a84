// Reading another node's `/healthz` as a client: what `tessera cluster status` and `tessera bench region` show.
// The clock is the caller's (the HTTP client counts its timeouts on it), as everything Node reads of time.
import Foundation
public import Primitives
import Transport

extension NodeHealth {
    /// The full report of the node at `http` ("127.0.0.10:8042"), nil when it does not answer with one in a few
    /// seconds (a 503 from a node without enough volumes still carries its report).
    public static func fetch(from http: String, clock: any TimeSource) -> NodeHealth? {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeoutSeconds = 2
        configuration.ioTimeoutSeconds = 5
        guard let client = try? HTTPClient(baseURL: "http://\(http)", configuration: configuration, clock: clock)
        else { return nil }
        defer { client.close() }
        guard var response = try? client.send(method: "GET", target: "/healthz"),
            response.status < 500 || response.status == 503,
            let body = try? response.readAll(bytesMax: 1 << 20)
        else { return nil }
        return try? JSONDecoder().decode(NodeHealth.self, from: Data(body))
    }
}
