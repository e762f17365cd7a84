// The `cluster` section of a node's config: where it gossips, whom it joins through, the cluster key file and the
// protocol timings (defaults from MembershipConfiguration()). Decoding is strict like the rest of the file; the
// site stays the top-level `site` key, since a lone node has one too.
import Coding
public import Membership
public import Primitives

extension NodeConfiguration {
    /// A node's membership settings. Timings carry their unit in their name; every one has a default.
    public struct Cluster: Sendable, Equatable {
        /// The territory of this node's site.
        public var territory: String
        /// Where this node gossips (UDP) and answers push-pull (TCP), "IPv4:PORT": this node's own address as the
        /// others reach it, not 0.0.0.0; port 0 picks a free one (printed at start).
        public var gossip: String
        /// Gossip addresses ("IPv4:PORT") of members to join through; any may be down, the join retries. Empty:
        /// this node founds a region.
        public var seeds: [String]
        /// The cluster key file (`tessera cluster key new`); relative paths are taken from the config file's folder.
        public var keyFile: String
        /// The protocol period: one probe per period.
        public var probeIntervalMilliseconds: Int
        /// How long a direct probe waits for its ack before indirect probes go out.
        public var probeTimeoutMilliseconds: Int
        /// Members asked to probe indirectly when a direct probe fails.
        public var indirectProbeCount: Int
        /// Scales how many times each update is retransmitted (× log10 of the member count).
        public var retransmitMultiplier: Int
        /// Scales the shortest suspicion timeout (× log10 of the member count × the probe interval).
        public var suspicionMultiplier: Int
        /// The suspicion timeout starts at this multiple of its shortest.
        public var suspicionMaxTimeoutMultiplier: Int
        /// Independent accusations, beyond the first, that bring the suspicion timeout down to its shortest.
        public var suspicionConfirmations: Int
        /// How often queued updates are gossiped on their own.
        public var gossipIntervalMilliseconds: Int
        /// How often a full-state push-pull runs with one random member.
        public var pushPullIntervalSeconds: Int
        /// How long a dead or left member stays listed before it is forgotten.
        public var reapAfterSeconds: Int
        /// The largest gossip datagram's content in bytes (the sealed datagram adds 33); keep it under the path MTU.
        public var datagramBytesMax: Int
        /// R: the sites that hold every study (its origin and R-1 others, other territories first).
        public var replicaCount: Int
        /// How often this node compares its regional catalog with a random live member's and pulls what differs.
        public var antiEntropyIntervalSeconds: Int
        /// How long deletions are kept as tombstones in the regional catalog before they are forgotten.
        public var tombstoneRetentionSeconds: Int
        /// How long a holder may be dead before the next placement winner takes its place (`downOut`).
        public var downOutSeconds: Int
        /// When STOW-RS answers by default: "local" (once durable here) or "remote" (once another site committed
        /// too); a request chooses with `?ack=local` or `?ack=remote`.
        public var ackMode: String
        /// How long a STOW-RS with ack=remote waits for another site before answering 202 (the copy stays queued).
        public var remoteAckTimeoutSeconds: Int
        /// How many instances of the regional catalog the copy audit looks at per second (pull, check, drop).
        public var auditInstancesPerSecond: Int
        /// Mutual TLS for the internal API on its own port (`tessera cluster certs`); without it the internal API
        /// shares the client-facing port and a request proves itself with a token derived from the cluster key.
        public var tls: ClusterTLS?

        /// The settings for `gossip` with `keyFile`, no seeds, the territory "local" and Tessera's default timings.
        public init(gossip: String, keyFile: String, seeds: [String] = []) {
            let defaults = MembershipConfiguration()
            let millisecond = Instant.ticksPerSecond / 1000
            territory = NodeConfiguration.siteDefault
            self.gossip = gossip
            self.seeds = seeds
            self.keyFile = keyFile
            probeIntervalMilliseconds = Int(defaults.probeIntervalTicks / millisecond)
            probeTimeoutMilliseconds = Int(defaults.probeTimeoutTicks / millisecond)
            indirectProbeCount = defaults.indirectProbeCount
            retransmitMultiplier = defaults.retransmitMultiplier
            suspicionMultiplier = defaults.suspicionMultiplier
            suspicionMaxTimeoutMultiplier = defaults.suspicionMaxTimeoutMultiplier
            suspicionConfirmations = defaults.suspicionConfirmations
            gossipIntervalMilliseconds = Int(defaults.gossipIntervalTicks / millisecond)
            pushPullIntervalSeconds = Int(defaults.pushPullIntervalTicks / Instant.ticksPerSecond)
            reapAfterSeconds = Int(defaults.reapAfterTicks / Instant.ticksPerSecond)
            datagramBytesMax = defaults.datagramBytesMax
            replicaCount = 2
            antiEntropyIntervalSeconds = 2
            tombstoneRetentionSeconds = 7 * 86_400
            downOutSeconds = 600
            ackMode = "local"
            remoteAckTimeoutSeconds = 30
            auditInstancesPerSecond = 50
            tls = nil
        }

        /// The core's configuration: Tessera's defaults with these timings; valid after `validate()`.
        public var membershipConfiguration: MembershipConfiguration {
            let millisecond = Instant.ticksPerSecond / 1000
            var configuration = MembershipConfiguration()
            configuration.probeIntervalTicks = Int64(probeIntervalMilliseconds) * millisecond
            configuration.probeTimeoutTicks = Int64(probeTimeoutMilliseconds) * millisecond
            configuration.indirectProbeCount = indirectProbeCount
            configuration.retransmitMultiplier = retransmitMultiplier
            configuration.suspicionMultiplier = suspicionMultiplier
            configuration.suspicionMaxTimeoutMultiplier = suspicionMaxTimeoutMultiplier
            configuration.suspicionConfirmations = suspicionConfirmations
            configuration.gossipIntervalTicks = Int64(gossipIntervalMilliseconds) * millisecond
            configuration.pushPullIntervalTicks = Int64(pushPullIntervalSeconds) * Instant.ticksPerSecond
            configuration.reapAfterTicks = Int64(reapAfterSeconds) * Instant.ticksPerSecond
            // A region gossiping fast joins fast: the first join retry waits one protocol period, not a second.
            configuration.joinRetryTicksMin = min(configuration.joinRetryTicksMin, configuration.probeIntervalTicks)
            configuration.gossipToTheDeadTicks = min(
                configuration.gossipToTheDeadTicks, configuration.reapAfterTicks)
            configuration.datagramBytesMax = datagramBytesMax
            return configuration
        }

        /// The gossip address, parsed; valid after `validate()`.
        public var gossipAddress: ListenAddress {
            get throws(NodeError) { try ListenAddress.parse(gossip, key: "cluster.gossip") }
        }

        /// The seed addresses, parsed; valid after `validate()`.
        public var seedAddresses: [ListenAddress] {
            get throws(NodeError) {
                var addresses: [ListenAddress] = []
                for (index, seed) in seeds.enumerated() {
                    addresses.append(try ListenAddress.parse(seed, key: "cluster.seeds[\(index)]"))
                }
                return addresses
            }
        }

        /// The territory, checked (RegionName's rules).
        public var territoryID: TerritoryID {
            get throws(NodeError) {
                do {
                    return try TerritoryID(territory)
                } catch {
                    throw NodeError(.configuration, "'cluster.territory': \(error)")
                }
            }
        }

        /// Checks every setting, naming the first bad one.
        public func validate() throws(NodeError) {
            _ = try territoryID
            let address = try gossipAddress
            guard address.host != "0.0.0.0" else {
                throw NodeError(
                    .configuration,
                    "'cluster.gossip' \(gossip) must be this node's own address as the others reach it, not 0.0.0.0")
            }
            for (index, seed) in try seedAddresses.enumerated() where seed.port == 0 {
                throw NodeError(.configuration, "'cluster.seeds[\(index)]' \(seeds[index]) needs a port other than 0")
            }
            guard !keyFile.isEmpty else {
                throw NodeError(.configuration, "'cluster.keyFile' must name the cluster key file")
            }
            let overhead = GossipEnvelope.overheadByteCount
            let checks: [(String, Int, ClosedRange<Int>)] = [
                ("probeIntervalMilliseconds", probeIntervalMilliseconds, 10...60_000),
                ("probeTimeoutMilliseconds", probeTimeoutMilliseconds, 1...max(1, probeIntervalMilliseconds - 1)),
                ("indirectProbeCount", indirectProbeCount, 0...16),
                ("retransmitMultiplier", retransmitMultiplier, 1...32),
                ("suspicionMultiplier", suspicionMultiplier, 1...32),
                ("suspicionMaxTimeoutMultiplier", suspicionMaxTimeoutMultiplier, 1...64),
                ("suspicionConfirmations", suspicionConfirmations, 0...32),
                ("gossipIntervalMilliseconds", gossipIntervalMilliseconds, 10...60_000),
                ("pushPullIntervalSeconds", pushPullIntervalSeconds, 1...86_400),
                ("reapAfterSeconds", reapAfterSeconds, 1...30 * 86_400),
                ("datagramBytesMax", datagramBytesMax, GossipCodec.datagramBytesMin...65_507 - overhead),
                ("replicaCount", replicaCount, 1...8),
                ("antiEntropyIntervalSeconds", antiEntropyIntervalSeconds, 1...3_600),
                ("tombstoneRetentionSeconds", tombstoneRetentionSeconds, 60...3_650 * 86_400),
                ("downOutSeconds", downOutSeconds, 10...30 * 86_400),
                ("remoteAckTimeoutSeconds", remoteAckTimeoutSeconds, 1...600),
                ("auditInstancesPerSecond", auditInstancesPerSecond, 1...100_000),
            ]
            if let tls {
                let address = try tls.internalAddress
                guard address.host != "0.0.0.0" else {
                    throw NodeError(
                        .configuration,
                        "'cluster.tls.listen' \(tls.listen) must be this node's own address as the others reach it, "
                            + "not 0.0.0.0")
                }
            }
            guard ackMode == "local" || ackMode == "remote" else {
                throw NodeError(
                    .configuration, "'cluster.ackMode' is \"\(ackMode.prefix(32))\"; it must be \"local\" or \"remote\""
                )
            }
            for (name, value, range) in checks where !range.contains(value) {
                throw NodeError(
                    .configuration,
                    "'cluster.\(name)' is \(value); it must be from \(range.lowerBound) to \(range.upperBound)"
                        + (name == "probeTimeoutMilliseconds" ? " (shorter than the probe interval)" : ""))
            }
        }
    }
}
