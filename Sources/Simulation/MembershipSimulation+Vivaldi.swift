// How well the nodes' Vivaldi coordinates, learned from the simulated probes, predict the region's true round-trip
// times: the figure the tests and `tessera bench membership` report.
import Membership
import Primitives

extension MembershipSimulation {
    /// The true mean round-trip time between two nodes, in seconds: both one-way paths plus the mean jitter.
    public func meanRTTSeconds(between first: Int, and second: Int) -> Double {
        let ticks =
            topology.oneWayTicks(from: first, to: second) + topology.oneWayTicks(from: second, to: first)
            + network.configuration.jitterTicks
        return Double(ticks) / Double(Instant.ticksPerSecond)
    }

    /// The median relative error of the running nodes' coordinates over all their pairs (at most the first
    /// `VivaldiAccuracy.nodeCountMax` running nodes); nil with fewer than two.
    public func vivaldiMedianRelativeError() -> Double? {
        let nodes = Array(runningNodes.prefix(VivaldiAccuracy.nodeCountMax))
        guard nodes.count >= 2 else { return nil }
        let matrix = nodes.map { row in
            nodes.map { column in row == column ? 0 : meanRTTSeconds(between: row, and: column) }
        }
        return VivaldiAccuracy.medianRelativeError(
            rttSeconds: matrix, coordinates: nodes.map { vivaldi[$0].coordinate })
    }
}
