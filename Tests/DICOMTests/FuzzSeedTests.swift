// Goal: the fuzz body survives seeded mutations of valid files (a short in-process version of the libFuzzer run),
// and its seed corpus is valid. Method: Part10Fuzzing.run(seed:rounds:) flips, inserts and truncates bytes of each
// seed with a fixed PRNG and runs Part10Fuzzing.run, which traps if whole and split reads disagree. With
// TESSERA_FUZZ_CORPUS=DIR set, the seeds are also written there for `FuzzDICOM DIR` (README.md, "Fuzzing"), so no
// binary corpus is committed.
import DICOM
import Foundation
import Fuzzing
import Primitives
import Testing

@Suite struct FuzzSeedTests {
    @Test("every seed of the corpus reads successfully; written out when TESSERA_FUZZ_CORPUS is set")
    func seeds() throws {
        let seeds = Part10Fuzzing.seedCorpus()
        #expect(seeds.count >= 8)
        for (index, seed) in seeds.enumerated() {
            let result = seed.withUnsafeBytes { Part10Fuzzing.run($0) }
            #expect(throws: Never.self, "seed \(index)") { try result.get() }
        }
        if let directory = ProcessInfo.processInfo.environment["TESSERA_FUZZ_CORPUS"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, seed) in seeds.enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: directory + "/seed-\(index).dcm"))
            }
        }
    }

    @Test("seeded mutations of the seeds give a header or a DICOMParseError, the same in any split", arguments: [1, 2])
    func mutations(seed: UInt64) {
        let tally = Part10Fuzzing.run(seed: seed, rounds: 1500)
        #expect(tally.accepted + tally.rejected == 1500)
        #expect(tally.rejected > 0)
    }
}
