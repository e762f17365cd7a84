// A Vivaldi network coordinate (Dabek et al., SIGCOMM 2004): a point in a small Euclidean space plus a height, an
// error estimate and Serf's adjustment term. Values only; `VivaldiNode` owns the update rule.

/// Where a node sits in the latency space, in seconds: RTT ≈ ‖a − b‖ + heights (+ adjustments).
///
/// The height models the access link every packet crosses (Vivaldi §5.3, "height vectors"); the adjustment is
/// Serf's correction for what the Euclidean model cannot fit (Serf `coordinate.go`). Members gossip this value, so
/// a received one MUST pass `isPlausible` before it is used.
public struct VivaldiCoordinate: Sendable, Equatable {
    /// Dimensions of the Euclidean part (8, as in Serf's default).
    public static let dimension = 8
    /// The largest magnitude any component, height or adjustment may have, in seconds: far past any real RTT, and
    /// small enough that squares and sums of a whole vector stay finite.
    public static let componentMaxSeconds = 1000.0

    /// The Euclidean part, `dimension` components, in seconds.
    public var vectorSeconds: [Double]
    /// The height: latency on the node's own access link, in seconds, at least the configured minimum.
    public var heightSeconds: Double
    /// The relative error estimate: 0 is certain, `VivaldiConfiguration.errorMax` is knows nothing.
    public var error: Double
    /// Serf's adjustment term, in seconds: half the mean recent gap between measured and raw estimated RTT.
    public var adjustmentSeconds: Double

    /// A coordinate from its parts; `vectorSeconds` MUST have `dimension` components.
    public init(vectorSeconds: [Double], heightSeconds: Double, error: Double, adjustmentSeconds: Double = 0) {
        precondition(
            vectorSeconds.count == Self.dimension,
            "a Vivaldi vector has \(Self.dimension) components, not \(vectorSeconds.count)")
        self.vectorSeconds = vectorSeconds
        self.heightSeconds = heightSeconds
        self.error = error
        self.adjustmentSeconds = adjustmentSeconds
    }

    /// The starting coordinate: at the origin, the minimum height, the maximum error.
    public static func origin(configuration: VivaldiConfiguration = .standard) -> VivaldiCoordinate {
        VivaldiCoordinate(
            vectorSeconds: [Double](repeating: 0, count: dimension), heightSeconds: configuration.heightMinSeconds,
            error: configuration.errorMax)
    }

    /// True when every part is finite and within `componentMaxSeconds`, the height and error are not negative,
    /// and the vector has the right dimension: what a gossiped coordinate must satisfy to be used.
    public var isPlausible: Bool {
        vectorSeconds.count == Self.dimension
            && vectorSeconds.allSatisfy { $0.isFinite && abs($0) <= Self.componentMaxSeconds }
            && heightSeconds.isFinite && heightSeconds >= 0 && heightSeconds <= Self.componentMaxSeconds
            && error.isFinite && error >= 0
            && adjustmentSeconds.isFinite && abs(adjustmentSeconds) <= Self.componentMaxSeconds
    }

    /// ‖a − b‖ + both heights, in seconds, without adjustments (Serf `rawDistanceTo`).
    public func rawDistanceSeconds(to other: VivaldiCoordinate) -> Double {
        var sum = 0.0
        for index in 0..<Self.dimension {
            let difference = vectorSeconds[index] - other.vectorSeconds[index]
            sum += difference * difference
        }
        return sum.squareRoot() + heightSeconds + other.heightSeconds
    }

    /// The estimated round-trip time between two coordinates, in seconds: the raw distance plus both adjustments,
    /// unless that would not be positive (Serf `DistanceTo`).
    public static func estimatedRTTSeconds(between first: VivaldiCoordinate, and second: VivaldiCoordinate) -> Double {
        let raw = first.rawDistanceSeconds(to: second)
        let adjusted = raw + first.adjustmentSeconds + second.adjustmentSeconds
        return adjusted > 0 ? adjusted : raw
    }
}
