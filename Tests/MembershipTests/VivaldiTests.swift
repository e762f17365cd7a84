// Goal: Vivaldi coordinates learn a realistic region's latencies, stay finite under hostile samples, and replay
// exactly for a seed. Method: a synthetic 3-territory matrix with seeded jitter, nodes sampling random peers in
// rounds; the median relative error is printed and bounded; absurd and adversarial samples are fed directly.
import Foundation
import Membership
import Primitives
import Testing

/// A synthetic region: territories ~30 ms apart, sites a few ms apart inside a territory, nodes behind ~1 ms
/// access links, so RTT ≈ 2 ms within a site, 5–10 ms within a territory, ~30 ms between territories.
struct SyntheticRegion {
    /// The true mean RTT between every pair of nodes, in seconds.
    let rttSeconds: [[Double]]

    init(seed: UInt64, territoryCount: Int = 3, sitesPerTerritory: Int = 4, nodesPerSite: Int = 3) {
        var random = SeededRandom(seed: seed)
        func uniform(_ low: Double, _ high: Double) -> Double {
            low + (high - low) * Double(random.next() >> 11) * 0x1p-53
        }
        // Territory centres on a circle of radius 17 ms: about 30 ms apart.
        var positions: [(Double, Double)] = []
        var accessSeconds: [Double] = []
        for territory in 0..<territoryCount {
            let angle = Double(territory) * 2.094_395_102_393_195  // 2π/3
            let centre = (0.017 * cos(angle), 0.017 * sin(angle))
            for _ in 0..<sitesPerTerritory {
                let site = (centre.0 + uniform(-0.0035, 0.0035), centre.1 + uniform(-0.0035, 0.0035))
                for _ in 0..<nodesPerSite {
                    positions.append(site)
                    accessSeconds.append(uniform(0.0006, 0.0012))
                }
            }
        }
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: positions.count), count: positions.count)
        for row in positions.indices {
            for column in positions.indices where column > row {
                let dx = positions[row].0 - positions[column].0
                let dy = positions[row].1 - positions[column].1
                let rtt = (dx * dx + dy * dy).squareRoot() + accessSeconds[row] + accessSeconds[column]
                let value = rtt * uniform(0.95, 1.05)  // routes are not straight lines
                matrix[row][column] = value
                matrix[column][row] = value
            }
        }
        rttSeconds = matrix
    }
}

/// Runs `rounds` rounds in which every node probes one random peer and observes a jittered RTT (up to +10 %).
func converge(region: SyntheticRegion, rounds: Int, seed: UInt64) -> [VivaldiNode] {
    let count = region.rttSeconds.count
    var nodes = (0..<count).map { VivaldiNode(seed: seed &+ UInt64($0)) }
    var random = SeededRandom(seed: seed)
    for _ in 0..<rounds {
        for index in 0..<count {
            var peer = Int(random.next() % UInt64(count - 1))
            if peer >= index { peer += 1 }
            let jitter = 1 + 0.1 * Double(random.next() >> 11) * 0x1p-53
            let outcome = nodes[index].observe(
                remote: nodes[peer].coordinate, rttSeconds: region.rttSeconds[index][peer] * jitter)
            precondition(outcome == .applied, "a sound sample was not applied: \(outcome)")
        }
    }
    return nodes
}

@Suite struct VivaldiTests {
    @Test("coordinates learn a 3-territory region to a median relative error below 0.15")
    func convergesOnSyntheticRegion() throws {
        let region = SyntheticRegion(seed: 5)
        let before = VivaldiAccuracy.medianRelativeError(
            rttSeconds: region.rttSeconds, coordinates: converge(region: region, rounds: 0, seed: 6).map(\.coordinate))
        let nodes = converge(region: region, rounds: 400, seed: 6)
        let error = try #require(
            VivaldiAccuracy.medianRelativeError(rttSeconds: region.rttSeconds, coordinates: nodes.map(\.coordinate)))
        print("vivaldi: 36 nodes, 400 rounds: median relative RTT error \(error) (at the start \(before ?? .nan))")
        #expect(error < 0.15)
        let sameSite = nodes[0].estimatedRTTSeconds(to: nodes[1].coordinate)
        let otherTerritory = nodes[0].estimatedRTTSeconds(to: nodes[30].coordinate)
        print("vivaldi: estimated same-site RTT \(sameSite * 1000) ms, other territory \(otherTerritory * 1000) ms")
        #expect(sameSite < 0.005 && otherTerritory > 0.02)
    }

    @Test("the same seed gives the same coordinates")
    func isDeterministic() {
        let region = SyntheticRegion(seed: 9)
        #expect(SyntheticRegion(seed: 9).rttSeconds == region.rttSeconds)
        let first = converge(region: region, rounds: 50, seed: 10).map(\.coordinate)
        let second = converge(region: region, rounds: 50, seed: 10).map(\.coordinate)
        let other = converge(region: region, rounds: 50, seed: 11).map(\.coordinate)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("absurd samples are refused and counted, and the coordinate does not move")
    func absurdSamplesAreRefused() {
        var node = VivaldiNode(seed: 1)
        let start = node.coordinate
        let sound = VivaldiCoordinate(
            vectorSeconds: [0.01] + [Double](repeating: 0, count: 7), heightSeconds: 0.001, error: 0.5)
        for rtt in [Double.nan, .infinity, -.infinity, -0.001, 10.5, 1e300] {
            #expect(node.observe(remote: sound, rttSeconds: rtt) == .rejectedRTT, "rtt \(rtt)")
        }
        var hostile: [VivaldiCoordinate] = []
        for (index, value) in [Double.nan, .infinity, 2000, -1e300].enumerated() {
            var vector = sound
            vector.vectorSeconds[index] = value
            hostile.append(vector)
        }
        var wrongDimension = sound
        wrongDimension.vectorSeconds.append(0)
        hostile.append(wrongDimension)
        var negativeHeight = sound
        negativeHeight.heightSeconds = -1
        hostile.append(negativeHeight)
        var nanError = sound
        nanError.error = .nan
        hostile.append(nanError)
        var hugeAdjustment = sound
        hugeAdjustment.adjustmentSeconds = .infinity
        hostile.append(hugeAdjustment)
        for coordinate in hostile {
            #expect(node.observe(remote: coordinate, rttSeconds: 0.01) == .rejectedCoordinate)
        }
        #expect(node.coordinate == start)
        #expect(node.rejectedCount == 6 + hostile.count)
        #expect(throws: VivaldiConfigurationError.self) {
            try VivaldiConfiguration(
                cc: 0, ce: 0.25, errorMax: 1.5, heightMinSeconds: 1e-5, rttMaxSeconds: 10, adjustmentWindowCount: 20,
                gravityRhoSeconds: 150)
        }
    }

    @Test("coordinates stay finite under plausible but adversarial samples")
    func staysFiniteUnderAdversarialSamples() {
        var node = VivaldiNode(seed: 2)
        var random = SeededRandom(seed: 3)
        let limit = VivaldiCoordinate.componentMaxSeconds
        for step in 0..<20_000 {
            var vector = [Double](repeating: 0, count: VivaldiCoordinate.dimension)
            for index in vector.indices {
                // Extremes, exact copies of our own point, and tiny offsets, in turn.
                switch step % 4 {
                case 0: vector[index] = random.next() % 2 == 0 ? limit : -limit
                case 1: vector[index] = node.coordinate.vectorSeconds[index]
                case 2: vector[index] = node.coordinate.vectorSeconds[index] + 1e-12
                default: vector[index] = Double(random.next() >> 11) * 0x1p-53 * 2 * limit - limit
                }
            }
            let remote = VivaldiCoordinate(
                vectorSeconds: vector, heightSeconds: step % 3 == 0 ? limit : 0, error: step % 5 == 0 ? 0 : 1e9,
                adjustmentSeconds: step % 2 == 0 ? limit : -limit)
            let rtt = step % 3 == 1 ? 0 : 10 * Double(random.next() >> 11) * 0x1p-53
            node.observe(remote: remote, rttSeconds: rtt)
            #expect(node.coordinate.isPlausible, "step \(step)")
            #expect(node.estimatedRTTSeconds(to: remote).isFinite, "step \(step)")
        }
        print("vivaldi: 20,000 adversarial samples, \(node.resetCount) resets, coordinate finite throughout")
    }
}
