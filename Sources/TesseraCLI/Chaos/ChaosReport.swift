// The report of a chaos run, beside its history: `report.json` (the summary, for any tool) and `report.md` (the
// scenario, its row of the table, every violation with the history lines behind it, and the command that replays
// the run), and, for a run of several, `summary.md` and `summary.json` with one row per scenario and seed.
import Chaos
import Foundation

/// Writing chaos reports.
enum ChaosReport {
    /// Writes `report.json` and `report.md` for one run into `directory`.
    static func write(
        _ summary: ChaosRunSummary, violations: [ChaosViolation], scenario: ChaosScenario, replay: String,
        directory: String
    ) throws {
        try save(try json(summary) + "\n", to: directory + "/report.json")
        var text = "# Chaos run: \(scenario.name), seed \(summary.seed)\n\n\(scenario.description)\n\n"
        text += "\(scenario.faults.count) faults in \(Int(scenario.durationSeconds)) s; heal bound "
        text += "\(Int(scenario.healBoundSeconds)) s. History: `history.jsonl` (one JSON line per operation).\n\n"
        text += ChaosReportTable.markdown([summary]) + "\n"
        if violations.isEmpty {
            text += "No violation: nothing acknowledged was lost, no read returned other bytes than were stored, "
            text += "the catalogs converged and the region healed within its bounds.\n"
        } else {
            text += "## \(violations.count) violations\n\n"
            for violation in violations.prefix(200) { text += "- \(violation.description)\n" }
            if violations.count > 200 { text += "- … and \(violations.count - 200) more\n" }
        }
        text += "\nReplay: `\(replay)`\n"
        try save(text, to: directory + "/report.md")
    }

    /// The command that plays the same run again.
    static func replayCommand(source: String, seed: UInt64, durationSeconds: Int, isShort: Bool) -> String {
        "sudo tessera chaos run \(source) --seed \(seed)"
            + (source == "random" ? " --duration \(durationSeconds)" : "") + (isShort ? " --short" : "")
    }

    /// Writes the table of several runs as `summary.md` and `summary.json` into `directory`.
    static func writeSummary(_ runs: [ChaosRunSummary], directory: String) throws {
        try save(ChaosReportTable.markdown(runs), to: directory + "/summary.md")
        try save("[" + (try runs.map(json)).joined(separator: ",\n") + "]\n", to: directory + "/summary.json")
    }

    /// One run as one line of JSON.
    private static func json(_ run: ChaosRunSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(run), as: UTF8.self)
    }

    private static func save(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw ClientError("cannot write \(path)")
        }
    }
}
