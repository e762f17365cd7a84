// The simulated wire between nodes: per-datagram delay (the topology's latency plus jitter), loss, duplication,
// reordering, uplink serialization, and directed partitions (A→B cut while B→A works). Seeded; no clock of its own:
// the caller says when a datagram leaves and learns when (and whether) it arrives.
import Primitives

/// When a datagram arrives: not at all, once, or twice (duplicated).
public struct SimDelivery: Hashable, Sendable {
    /// The first arrival's true time, nil when the datagram is lost or cut.
    public var arrivalTicks: Int64?
    /// A duplicate's arrival time, if the network duplicated it.
    public var duplicateTicks: Int64?
}

/// What the network did so far.
public struct SimNetworkCounters: Hashable, Sendable {
    /// Datagrams handed to the network.
    public var datagramsSent = 0
    /// Their bytes.
    public var datagramBytesSent = 0
    /// Datagrams dropped by random loss.
    public var datagramsLost = 0
    /// Datagrams dropped by a partition.
    public var datagramsCut = 0
    /// Extra copies delivered.
    public var datagramsDuplicated = 0
    /// Datagrams held back to be overtaken.
    public var datagramsReordered = 0
    /// Push-pull streams opened and their bytes (both directions).
    public var streamsOpened = 0
    /// Bytes carried by push-pull streams.
    public var streamBytesSent = 0
}

/// Links between simulated nodes, their faults and partitions.
public struct SimNetwork: Sendable {
    /// A directed cut: nothing from a source node reaches a target node.
    private struct Cut: Sendable {
        var isSource: [Bool]
        var isTarget: [Bool]
    }

    /// The region whose latencies the links carry.
    public let topology: SimTopology
    /// The misbehaviour applied to every datagram.
    public var configuration: SimNetworkConfiguration
    /// What happened so far.
    public private(set) var counters = SimNetworkCounters()
    private var random: SeededRandom
    private var cuts: [Cut] = []
    private var uplinkFreeAtTicks: [Int64]

    /// Makes the network of `topology`, all draws from `seed`.
    public init(topology: SimTopology, configuration: SimNetworkConfiguration = .clean, seed: UInt64) {
        self.topology = topology
        self.configuration = configuration
        self.random = SeededRandom(seed: seed ^ 0x6E65_7477_6F72_6B00)
        self.uplinkFreeAtTicks = [Int64](repeating: 0, count: topology.nodeCount)
    }

    // MARK: - Partitions

    /// Cuts every link from a node in `sources` to a node in `targets` (one way; call twice for both ways).
    public mutating func cut(from sources: [Int], to targets: [Int]) {
        var cut = Cut(
            isSource: [Bool](repeating: false, count: topology.nodeCount),
            isTarget: [Bool](repeating: false, count: topology.nodeCount))
        for node in sources { cut.isSource[node] = true }
        for node in targets { cut.isTarget[node] = true }
        cuts.append(cut)
    }

    /// Removes every cut.
    public mutating func healAll() { cuts.removeAll() }

    /// Whether datagrams from `source` to `target` are cut.
    public func isCut(from source: Int, to target: Int) -> Bool {
        for cut in cuts where cut.isSource[source] && cut.isTarget[target] { return true }
        return false
    }

    // MARK: - Datagrams

    /// Sends a datagram of `byteCount` bytes from `source` to `target` at true time `nowTicks`: when it arrives.
    public mutating func transmit(byteCount: Int, from source: Int, to target: Int, atTicks nowTicks: Int64)
        -> SimDelivery
    {
        counters.datagramsSent += 1
        counters.datagramBytesSent += byteCount
        let departure = serialize(byteCount: byteCount, from: source, atTicks: nowTicks)
        if isCut(from: source, to: target) {
            counters.datagramsCut += 1
            return SimDelivery()
        }
        if configuration.lossRate > 0, draw() < configuration.lossRate {
            counters.datagramsLost += 1
            return SimDelivery()
        }
        var delivery = SimDelivery(arrivalTicks: departure + oneWayTicks(from: source, to: target))
        if configuration.reorderRate > 0, draw() < configuration.reorderRate {
            counters.datagramsReordered += 1
            delivery.arrivalTicks? += configuration.reorderDelayTicks
        }
        if configuration.duplicateRate > 0, draw() < configuration.duplicateRate {
            counters.datagramsDuplicated += 1
            delivery.duplicateTicks = departure + oneWayTicks(from: source, to: target)
        }
        return delivery
    }

    // MARK: - Streams

    /// The true time a stream message of `byteCount` bytes sent at `nowTicks` reaches `target`, or nil when a
    /// partition cuts either direction (a TCP connection needs both). Streams are reliable: no loss, no duplicates.
    public mutating func streamArrival(byteCount: Int, from source: Int, to target: Int, atTicks nowTicks: Int64)
        -> Int64?
    {
        counters.streamsOpened += 1
        counters.streamBytesSent += byteCount
        guard !isCut(from: source, to: target), !isCut(from: target, to: source) else { return nil }
        let departure = serialize(byteCount: byteCount, from: source, atTicks: nowTicks)
        // The handshake's round trip, then the bytes.
        let oneWay = topology.oneWayTicks(from: source, to: target)
        return departure + 2 * oneWay + oneWayTicks(from: source, to: target)
    }

    // MARK: - Draws

    /// The uplink's serialization delay: the datagram leaves once the uplink sent everything queued before it.
    private mutating func serialize(byteCount: Int, from source: Int, atTicks nowTicks: Int64) -> Int64 {
        guard let rate = configuration.uplinkBytesPerSecond else { return nowTicks }
        let start = max(nowTicks, uplinkFreeAtTicks[source])
        let finish = start + (Int64(byteCount) * 1_000_000 + rate - 1) / rate
        uplinkFreeAtTicks[source] = finish
        return finish
    }

    private mutating func oneWayTicks(from source: Int, to target: Int) -> Int64 {
        let jitter = configuration.jitterTicks > 0 ? Int64(random.next() % UInt64(configuration.jitterTicks + 1)) : 0
        return topology.oneWayTicks(from: source, to: target) + jitter
    }

    /// A uniform draw in [0, 1).
    private mutating func draw() -> Double { Double(random.next() >> 11) * 0x1p-53 }
}
