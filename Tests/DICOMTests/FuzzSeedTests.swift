// Goal: the fuzz body survives seeded mutations of valid files (a short in-process version of the libFuzzer run),
// and its seed corpus is valid. Method: flip, insert and truncate bytes of each seed with a fixed PRNG and run
// Part10Fuzzing.run, which traps if whole and split reads disagree. With TESSERA_FUZZ_CORPUS=DIR set, the seeds
// are also written there for `FuzzDICOM DIR` (README.md, "Fuzzing"), so no binary corpus is committed.
import DICOM
import Foundation
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
        var random = SeededRandom(seed: seed)
        let seeds = Part10Fuzzing.seedCorpus()
        var failures = 0
        for _ in 0..<1500 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + random.next() % 4) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes[position] = 0xFF
                case 2: bytes.insert(contentsOf: [0xFE, 0xFF, 0x00, 0xE0], at: position)
                default: bytes.removeLast(min(bytes.count - 1, Int(random.next() % 64)))
                }
            }
            if case .failure = bytes.withUnsafeBytes({ Part10Fuzzing.run($0) }) { failures += 1 }
        }
        #expect(failures > 0)
    }
}
