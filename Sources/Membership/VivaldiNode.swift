// One node's Vivaldi state and its update rule (Vivaldi §3.4 with height vectors §5.3; Serf's error cap,
// adjustment window, gravity and NaN reset). Pure: samples in, coordinate out; randomness is seeded state.
import Primitives

/// A node's own coordinate and the state that moves it as probe round-trip times arrive.
///
/// Each sample (a peer's coordinate and the RTT measured to it) pulls or pushes this node's coordinate along the
/// line to the peer, by a timestep that shrinks as the node grows more certain than its peer (the adaptive
/// timestep, δ = cc · e_local / (e_local + e_remote)). Absurd samples are refused and counted, never applied, and a
/// coordinate that stops being finite is reset to the origin, so estimates are always usable.
public struct VivaldiNode: Sendable {
    /// What happened to one sample.
    public enum Outcome: Sendable, Equatable {
        /// The sample moved the coordinate.
        case applied
        /// The RTT was not finite, negative, or above `rttMaxSeconds`.
        case rejectedRTT
        /// The peer's coordinate failed `VivaldiCoordinate.isPlausible`.
        case rejectedCoordinate
        /// The update produced a non-finite coordinate, so the node started over from the origin (Serf's reset).
        case reset
    }

    /// Below this, distances, RTTs and error sums count as zero (Serf's `zeroThreshold`), in seconds.
    static let zeroThresholdSeconds = 1.0e-6

    /// The constants of the update rule.
    public let configuration: VivaldiConfiguration
    /// The node's current coordinate: what it gossips and estimates from.
    public private(set) var coordinate: VivaldiCoordinate
    /// Samples refused as absurd since the start.
    public private(set) var rejectedCount = 0
    /// Times the coordinate was reset after turning non-finite.
    public private(set) var resetCount = 0
    /// The last `adjustmentWindowCount` gaps between measured and raw estimated RTT, in seconds (a ring).
    private var adjustmentSamplesSeconds: [Double]
    private var adjustmentIndex = 0
    /// Picks a direction when two coordinates coincide (Vivaldi §3.4: "a random unit vector").
    private var random: SeededRandom

    /// A node at the origin; `seed` fixes the random directions it will ever pick.
    public init(configuration: VivaldiConfiguration = .standard, seed: UInt64) {
        self.configuration = configuration
        self.coordinate = .origin(configuration: configuration)
        self.adjustmentSamplesSeconds = [Double](repeating: 0, count: configuration.adjustmentWindowCount)
        self.random = SeededRandom(seed: seed)
    }

    /// The estimated round-trip time from this node to `remote`, in seconds.
    public func estimatedRTTSeconds(to remote: VivaldiCoordinate) -> Double {
        VivaldiCoordinate.estimatedRTTSeconds(between: coordinate, and: remote)
    }

    /// Moves the coordinate by one sample: `remote` is the peer's coordinate as it reported it with its answer,
    /// `rttSeconds` the round-trip time this node measured to it.
    @discardableResult
    public mutating func observe(remote: VivaldiCoordinate, rttSeconds: Double) -> Outcome {
        guard rttSeconds.isFinite, rttSeconds >= 0, rttSeconds <= configuration.rttMaxSeconds else {
            rejectedCount += 1
            return .rejectedRTT
        }
        guard remote.isPlausible else {
            rejectedCount += 1
            return .rejectedCoordinate
        }
        let rtt = max(rttSeconds, Self.zeroThresholdSeconds)
        updateVivaldi(remote: remote, rttSeconds: rtt)
        updateAdjustment(remote: remote, rttSeconds: rtt)
        updateGravity()
        guard coordinate.isPlausible else {
            coordinate = .origin(configuration: configuration)
            for index in adjustmentSamplesSeconds.indices { adjustmentSamplesSeconds[index] = 0 }
            resetCount += 1
            return .reset
        }
        return .applied
    }

    /// The error and position update (Vivaldi Figure 3; Serf `updateVivaldi`).
    private mutating func updateVivaldi(remote: VivaldiCoordinate, rttSeconds: Double) {
        let distance = VivaldiCoordinate.estimatedRTTSeconds(between: coordinate, and: remote)
        let wrongness = abs(distance - rttSeconds) / rttSeconds
        let totalError = max(coordinate.error + remote.error, Self.zeroThresholdSeconds)
        let weight = coordinate.error / totalError
        coordinate.error = configuration.ce * weight * wrongness + coordinate.error * (1 - configuration.ce * weight)
        coordinate.error = min(coordinate.error, configuration.errorMax)
        let force = configuration.cc * weight * (rttSeconds - distance)
        applyForce(force, from: remote)
    }

    /// Serf's adjustment: half the mean of the recent gaps between the measured RTT and the raw distance.
    private mutating func updateAdjustment(remote: VivaldiCoordinate, rttSeconds: Double) {
        guard configuration.adjustmentWindowCount > 0 else { return }
        adjustmentSamplesSeconds[adjustmentIndex] = rttSeconds - coordinate.rawDistanceSeconds(to: remote)
        adjustmentIndex = (adjustmentIndex + 1) % configuration.adjustmentWindowCount
        let sum = adjustmentSamplesSeconds.reduce(0, +)
        coordinate.adjustmentSeconds = sum / (2 * Double(configuration.adjustmentWindowCount))
    }

    /// Serf's gravity: a pull towards the origin growing with the square of the distance, so the whole system
    /// does not drift away over time.
    private mutating func updateGravity() {
        let origin = VivaldiCoordinate.origin(configuration: configuration)
        let distance = VivaldiCoordinate.estimatedRTTSeconds(between: origin, and: coordinate)
        let ratio = distance / configuration.gravityRhoSeconds
        applyForce(-(ratio * ratio), from: origin)
    }

    /// Moves along the unit vector from `other` to this node by `force` seconds (positive pushes away), and scales
    /// the height with it (Vivaldi §5.3; Serf `ApplyForce`).
    private mutating func applyForce(_ force: Double, from other: VivaldiCoordinate) {
        var direction = [Double](repeating: 0, count: VivaldiCoordinate.dimension)
        var magnitudeSquared = 0.0
        for index in direction.indices {
            direction[index] = coordinate.vectorSeconds[index] - other.vectorSeconds[index]
            magnitudeSquared += direction[index] * direction[index]
        }
        let magnitude = magnitudeSquared.squareRoot()
        if magnitude > Self.zeroThresholdSeconds {
            for index in direction.indices { direction[index] /= magnitude }
        } else {
            direction = randomUnitVector()
        }
        for index in direction.indices { coordinate.vectorSeconds[index] += direction[index] * force }
        if magnitude > Self.zeroThresholdSeconds {
            let height = (coordinate.heightSeconds + other.heightSeconds) * force / magnitude + coordinate.heightSeconds
            coordinate.heightSeconds = max(height, configuration.heightMinSeconds)
        }
    }

    /// A seeded random direction, for two coordinates at the same point.
    private mutating func randomUnitVector() -> [Double] {
        var vector = [Double](repeating: 0, count: VivaldiCoordinate.dimension)
        var magnitudeSquared = 0.0
        for index in vector.indices {
            vector[index] = Double(random.next() >> 11) * 0x1p-53 - 0.5
            magnitudeSquared += vector[index] * vector[index]
        }
        let magnitude = magnitudeSquared.squareRoot()
        guard magnitude > Self.zeroThresholdSeconds else {
            vector = [Double](repeating: 0, count: VivaldiCoordinate.dimension)
            vector[0] = 1
            return vector
        }
        return vector.map { $0 / magnitude }
    }
}
