// The seeded hostile-input loop behind `tessera fuzz dicom --seed N` and the unit tests: mutations of the seed corpus,
// each run through Part10Fuzzing.run (whole against split reads). One seed replays one run.
import DICOM
import Primitives

extension Part10Fuzzing {
    /// How a seeded run's inputs fared: every one either read or was rejected with a DICOMParseError.
    public struct Tally: Sendable, Equatable {
        /// Inputs that read as Part-10.
        public var accepted = 0
        /// Inputs rejected with a DICOMParseError.
        public var rejected = 0
    }

    /// What mutations insert: item, item and sequence delimitation tags, an undefined length, the Pixel Data tag,
    /// and explicit VR headers, so mutated files reach the reader's nesting and length rules.
    static let mutationTokens: [[UInt8]] = [
        [0xFE, 0xFF, 0x00, 0xE0], [0xFE, 0xFF, 0x0D, 0xE0], [0xFE, 0xFF, 0xDD, 0xE0], [0xFF, 0xFF, 0xFF, 0xFF],
        [0xE0, 0x7F, 0x10, 0x00], Array("SQ\u{0}\u{0}".utf8), Array("OB\u{0}\u{0}".utf8), Array("UN".utf8),
    ]

    /// Runs `rounds` seeded mutations of the seed corpus through `run(_:)`, which traps when whole and split reads
    /// disagree or anything but a DICOMParseError comes out.
    public static func run(seed: UInt64, rounds: Int) -> Tally {
        precondition(rounds >= 0, "rounds must not be negative")
        var random = SeededRandom(seed: seed)
        let seeds = seedCorpus()
        var tally = Tally()
        for _ in 0..<rounds {
            let input = SeededMutation.mutated(
                seeds[Int(random.next() % UInt64(seeds.count))], tokens: mutationTokens, random: &random)
            switch input.withUnsafeBytes({ run($0) }) {
            case .success: tally.accepted += 1
            case .failure: tally.rejected += 1
            }
        }
        return tally
    }
}
