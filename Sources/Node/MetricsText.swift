// `GET /metrics` in Prometheus's text exposition format (version 0.0.4): the node's requests, store, membership,
// replication, anti-entropy and repair figures, one `# HELP` and `# TYPE` per family. Names are part of what
// operators' dashboards read; change them only with the README.
import Membership
import Synchronization

/// Builds one exposition.
struct MetricsText {
    private(set) var text = ""

    /// One family: its help, type, and samples (labels, value).
    mutating func family(
        _ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]
    ) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for sample in samples { text += Self.sample(name, sample.labels, sample.value) }
    }

    /// A family with one unlabelled sample.
    mutating func single(_ name: String, _ type: String, _ help: String, _ value: Double) {
        family(name, type, help, [([], value)])
    }

    static func sample(_ name: String, _ labels: [(String, String)], _ value: Double) -> String {
        let labelText =
            labels.isEmpty
            ? "" : "{" + labels.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ",") + "}"
        let valueText = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return name + labelText + " " + valueText + "\n"
    }

    /// A label value with backslash, quote and newline escaped.
    static func escaped(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The request families.
    mutating func requests(_ metrics: RequestMetrics) {
        let state = metrics.state.withLock { $0 }
        family(
            "tessera_http_requests_total", "counter", "HTTP requests answered, by route and status.",
            state.requests.sorted { $0.key < $1.key }.flatMap { route, statuses in
                statuses.sorted { $0.key < $1.key }.map {
                    ([("route", route), ("status", String($0.key))], Double($0.value))
                }
            })
        text += "# HELP tessera_http_request_duration_seconds Time to answer a request, by route.\n"
        text += "# TYPE tessera_http_request_duration_seconds histogram\n"
        for (route, series) in state.latency.sorted(by: { $0.key < $1.key }) {
            let name = "tessera_http_request_duration_seconds"
            for (index, bound) in RequestMetrics.bucketBounds.enumerated() {
                text += Self.sample(
                    name + "_bucket", [("route", route), ("le", String(bound))], Double(series.buckets[index]))
            }
            text += Self.sample(name + "_bucket", [("route", route), ("le", "+Inf")], Double(series.count))
            text += Self.sample(name + "_sum", [("route", route)], series.seconds)
            text += Self.sample(name + "_count", [("route", route)], Double(series.count))
        }
        single("tessera_http_received_bytes_total", "counter", "Request body bytes received.", Double(state.bytesIn))
        single("tessera_http_sent_bytes_total", "counter", "Response body bytes sent.", Double(state.bytesOut))
    }

    /// The store and catalog families, from the health report.
    mutating func store(_ health: NodeHealth) {
        single("tessera_volumes_available", "gauge", "Volumes open.", Double(health.volumesAvailable))
        single("tessera_volumes", "gauge", "Volumes configured.", Double(health.volumeCount))
        single("tessera_instances", "gauge", "Instances in the catalog.", Double(health.instanceCount))
        single("tessera_read_cache_bytes", "gauge", "Bytes held by the read cache.", Double(health.readCacheBytes))
        single(
            "tessera_read_cache_hits_total", "counter", "Chunk reads answered by the read cache.",
            Double(health.readCacheHitCount))
        single(
            "tessera_read_cache_misses_total", "counter", "Chunk reads that went to the volumes.",
            Double(health.readCacheMissCount))
    }

    /// The membership families.
    mutating func membership(_ snapshot: MembershipSnapshot) {
        family(
            "tessera_members", "gauge", "Members of the region by state, as this node sees them.",
            MemberStatus.allCases.map { ([("state", "\($0)")], Double(snapshot.count($0))) })
        family(
            "tessera_gossip_dropped_total", "counter", "Gossip datagrams and frames refused, by cause.",
            snapshot.dropCounts.sorted { $0.key < $1.key }.map { ([("cause", $0.key)], Double($0.value)) })
        single(
            "tessera_gossip_undecodable_total", "counter", "Authenticated gossip whose content did not decode.",
            Double(snapshot.undecodableCount))
    }

    /// The data plane's families.
    mutating func region(_ region: NodeHealth.Region, refusedUnauthenticated: Int, refusedMalformed: Int) {
        single(
            "tessera_outbox_depth", "gauge", "Instances waiting in the outbox for a target.", Double(region.outboxDepth)
        )
        single(
            "tessera_replication_lag_seconds", "gauge", "How long the oldest outbox entry has waited.",
            region.replicationLagSeconds)
        single(
            "tessera_replication_delivered_total", "counter", "Outbox entries a target acknowledged.",
            Double(region.delivered))
        single(
            "tessera_replication_failures_total", "counter", "Replication attempts that failed.",
            Double(region.failedAttempts))
        single(
            "tessera_replication_sent_bytes_total", "counter", "Chunk payload bytes sent to other nodes.",
            Double(region.chunkBytesSent))
        single(
            "tessera_remote_read_hedges_total", "counter",
            "Reads of objects held elsewhere that moved on from a holder slower than its recent p95.",
            Double(region.readHedges))
        single(
            "tessera_anti_entropy_rounds_total", "counter", "Anti-entropy rounds with a random member.",
            Double(region.antiEntropyRounds))
        single(
            "tessera_anti_entropy_instances_learned_total", "counter", "Instances learned from other nodes' catalogs.",
            Double(region.instancesLearned))
        single("tessera_regional_rows", "gauge", "Rows of the regional catalog.", Double(region.regionalRowCount))
        single(
            "tessera_held_instances", "gauge", "Instances this node holds a copy of.", Double(region.heldInstanceCount))
        if let below = region.instancesBelowReplicaCount {
            single(
                "tessera_instances_below_replica_count", "gauge",
                "Instances with fewer than R live copies at distinct sites (last audit walk).", Double(below))
        }
        family(
            "tessera_repair_total", "counter", "The copy audit's work, by action.",
            [
                ([("action", "audited")], Double(region.audited)), ([("action", "pulled")], Double(region.pulled)),
                ([("action", "healed")], Double(region.healed)), ([("action", "dropped")], Double(region.dropped)),
            ])
        single(
            "tessera_repair_bytes_total", "counter", "Chunk payload bytes pulled by repair.", Double(region.healBytes))
        family(
            "tessera_internal_refused_total", "counter", "Internal API requests refused, by cause.",
            [
                ([("cause", "unauthenticated")], Double(refusedUnauthenticated)),
                ([("cause", "malformed")], Double(refusedMalformed)),
            ])
    }
}
