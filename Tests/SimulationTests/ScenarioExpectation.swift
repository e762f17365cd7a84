// How SimulationTests report a failure: every expectation on a scenario names its seed and the one command that
// replays it, so a red run is reproducible from the log alone.
import Simulation
import Testing

extension MembershipScenarioReport {
    /// Expects `condition`, and on failure prints `what` with the seed and the replay command.
    func expect(_ condition: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            condition,
            "\(what) — seed \(scenario.seed); replay: \(scenario.replayCommand)\n\(lines.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}
