// Goal: `GET /metrics` is valid Prometheus text (every family with its HELP and TYPE, every sample a name, labels
// and a number), counts requests by route and status with latency histograms and bytes, shows the store, and in a
// region membership, outbox, replication and refusals; readers need a token unless anonymous access is on.
// Method: in-process nodes (NodeHarness); a region's metrics are checked in NodeRegionTests with these helpers.
import Foundation
import Node
import Samples
import TestSupport
import Testing

@Suite struct NodeMetricsTests {
    /// The samples of a Prometheus text, by series (name and labels), after checking its grammar.
    static func samples(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        var declared = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                declared.insert(String(line.split(separator: " ")[2]))
                continue
            }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw HarnessFailure("not a sample: \(line)")
            }
            let series = String(line[..<space])
            let name = String(series.prefix { $0 != "{" })
            let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                name.hasSuffix(suffix) && declared.contains(String(name.dropLast(suffix.count)))
                    ? String(name.dropLast(suffix.count)) : name
            }
            guard declared.contains(family) else { throw HarnessFailure("\(name) has no HELP and TYPE before it") }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw HarnessFailure("bad metric name \(name)")
            }
            samples[series] = value
        }
        return samples
    }

    @Test("a lone node's metrics count requests by route and status and show the store")
    func loneNode() throws {
        let directory = TemporaryDirectory()
        let harness = try NodeHarness(directory: directory.path, seed: 90)
        let study = SyntheticInstance.study(seed: 90, sliceCount: 2, rows: 16, columns: 16)
        try NodeStorageTests.store(study, into: harness)
        _ = try harness.send("GET", "/dicom-web/studies")
        _ = try harness.send("GET", "/dicom-web/studies/9.9.9")
        let answer = try harness.send("GET", "/metrics")
        #expect(answer.status == 200)
        let samples = try Self.samples(String(decoding: answer.body, as: UTF8.self))
        #expect(samples["tessera_http_requests_total{route=\"stow\",status=\"200\"}"] == 1)
        #expect(samples["tessera_http_requests_total{route=\"qido\",status=\"200\"}"] == 1)
        #expect(samples["tessera_http_requests_total{route=\"wado\",status=\"404\"}"] == 1)
        #expect(samples["tessera_http_request_duration_seconds_count{route=\"stow\"}"] == 1)
        #expect(samples["tessera_http_request_duration_seconds_bucket{route=\"stow\",le=\"+Inf\"}"] == 1)
        #expect((samples["tessera_http_received_bytes_total"] ?? 0) > 2_000)
        #expect(samples["tessera_instances"] == 2 && samples["tessera_volumes_available"] == 3)
        #expect(samples["tessera_outbox_depth"] == nil, "a lone node has no region figures")
        let closed = try NodeHarness(directory: directory.appending("closed"), seed: 91, allowsAnonymous: false)
        #expect(try closed.send("GET", "/metrics").status == 401)
        let reader = [("Authorization", "Bearer \(NodeHarness.readToken)")]
        #expect(try closed.send("GET", "/metrics", headers: reader).status == 200)
    }
}
