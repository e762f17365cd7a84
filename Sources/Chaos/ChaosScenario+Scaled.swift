// A scenario played faster: the CI's short run plays node-kill, site-partition and bit-flips at half their length,
// every fault at the same share of the run, so the same schedule fits in the test command's few minutes.

extension ChaosScenario {
    /// This scenario with its duration and every fault's time multiplied by `factor` (0 < factor ≤ 1); the heal
    /// bound stays, since the region's repair does not go faster because the run is shorter.
    public func scaled(by factor: Double) -> ChaosScenario {
        var copy = self
        copy.durationSeconds = (durationSeconds * factor * 10).rounded() / 10
        for index in copy.faults.indices {
            copy.faults[index].atSeconds = (faults[index].atSeconds * factor * 10).rounded() / 10
        }
        return copy
    }
}
