// `tessera fuzz dicom|http|multipart|pdu|rendering [--seed N] [--rounds N]`: the seeded hostile-input loops of
// the parsers and the renderer, the same checks the libFuzzer targets run (README.md, "Fuzzing"). A crash names the
// seed that replays it.
import Fuzzing
import Posix

/// The fuzz subcommand.
enum FuzzCommand {
    /// The parsers a seeded run can exercise.
    static let targets = ["dicom", "http", "multipart", "pdu", "rendering"]

    static func run(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["seed", "rounds"])
        let target = try arguments.single("fuzz target (\(targets.joined(separator: ", ")))")
        guard targets.contains(target) else {
            throw UsageError(description: "unknown fuzz target '\(target)': use \(targets.joined(separator: ", "))")
        }
        let seed = UInt64(try arguments.integer("seed", in: 0...Int.max) ?? 1)
        let rounds = try arguments.integer("rounds", in: 1...1_000_000_000) ?? 100_000
        Console.error("fuzz \(target): seed \(seed), \(rounds) rounds (a crash replays with --seed \(seed))…")
        switch target {
        case "dicom":
            let tally = Part10Fuzzing.run(seed: seed, rounds: rounds)
            Console.output("fuzz dicom seed \(seed): \(tally.accepted) read, \(tally.rejected) rejected, no crash\n")
        case "http":
            HTTPFuzzing.run(.request, seed: seed, rounds: rounds)
            Console.output("fuzz http seed \(seed): \(rounds) requests and responses, no crash\n")
        case "multipart":
            HTTPFuzzing.run(.multipart, seed: seed, rounds: rounds)
            Console.output("fuzz multipart seed \(seed): \(rounds) bodies, no crash\n")
        case "rendering":
            ImagingFuzzing.run(seed: seed, rounds: rounds)
            Console.output("fuzz rendering seed \(seed): \(rounds) frames rendered or refused, no crash\n")
        default:
            PDUFuzzing.run(seed: seed, rounds: rounds)
            Console.output("fuzz pdu seed \(seed): \(rounds) PDU streams, no crash\n")
        }
    }
}
