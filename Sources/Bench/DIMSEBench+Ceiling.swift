// What no archive could beat on this machine, measured in the same run as the DIMSE figures, so their ratios can be
// read against what the machine allows: dcmtk's storescu into a storage SCP that keeps nothing (the client and the
// loopback alone, one instance at a time on one association, as every figure here moves them), that plus the least
// a durable C-STORE costs per instance (DurableCommitFloor), and that plus hashing every byte once with SHA-256, as
// a content-addressed store must before it can answer.
import Coding
import Foundation
import Posix
import Primitives

extension DIMSEBench {
    /// What the ceilings were measured at.
    struct Ceilings {
        /// The best round of storescu sending the study into the sink, which keeps nothing.
        let sinkSeconds: Double
        /// The least a durable instance costs here, in seconds (DurableCommitFloor).
        let commitFloorSeconds: Double
        /// The study's instances.
        let instanceCount: Int
        /// SHA-256 of every file of the study, in memory.
        let hashSeconds: Double

        /// The sink's time plus every instance's commit floor: the fastest durable C-STORE of the study.
        var durableSeconds: Double { sinkSeconds + commitFloorSeconds * Double(instanceCount) }
    }

    /// Times storescu into the sink `roundCount` times and the commit floor once, for `study`.
    func measureCeilings(_ study: BenchStudy, _ servers: Servers) throws -> Ceilings {
        var best = Double.infinity
        for round in 0..<settings.roundCount {
            Console.error("ceiling round \(round + 1): storescu into a storage SCP that keeps nothing…")
            let before = servers.sink.instanceCount
            let seconds = try dcmtk(
                "storescu",
                ["-aec", BenchStorageSink.aeTitle, "127.0.0.1", String(servers.sink.port)] + study.files.map(\.path))
            let arrived = servers.sink.instanceCount - before
            guard arrived == study.files.count else {
                throw BenchError("storescu delivered \(arrived) instances to the sink, not \(study.files.count)")
            }
            best = min(best, seconds)
        }
        let volumeCount = 6
        let instanceBytes = Int(study.totalBytes) / max(study.files.count, 1)
        Console.error("the commit floor: per instance, \(volumeCount) fdatasyncs at once, then 1…")
        let floor = try DurableCommitFloor(
            directory: directory, shardBytes: instanceBytes / 4, volumeCount: volumeCount,
            instanceCount: study.files.count
        ).measure()
        return Ceilings(
            sinkSeconds: best, commitFloorSeconds: floor, instanceCount: study.files.count,
            hashSeconds: try Self.hashSeconds(study))
    }

    /// The best of three passes of SHA-256 over every file of `study`, read into memory first.
    static func hashSeconds(_ study: BenchStudy) throws -> Double {
        let files = try study.files.map { try PosixDisk().readWholeFile($0.path, limit: Int($0.length)) }
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            for file in files { _ = SHA256.hash(file) }
            best = min(best, Date().timeIntervalSince(start))
        }
        return best
    }

    /// A ceiling row: the rate of `seconds` for `study`, and its ratio to Orthanc's `reference` seconds (what the
    /// best archive could reach in the figure above it).
    static func ceilingRow(_ figure: String, _ study: BenchStudy, seconds: Double, reference: Double?) -> BenchRow {
        BenchRow(
            figure: figure, ours: BenchTable.megabytesPerSecond(Double(study.totalBytes) / seconds), reference: "",
            ratio: reference.map { $0 / seconds }, target: "", isMet: nil)
    }

    /// The three C-STORE ceiling rows and the note that reads them.
    static func storeCeilingRows(_ ceilings: Ceilings, _ study: BenchStudy, reference: Double?, notes: inout [String])
        -> [BenchRow]
    {
        let floorMilliseconds = Console.fixed(ceilings.commitFloorSeconds * 1000, digits: 2)
        notes.append(
            "C-STORE ceilings: storescu waits for each answer, and a node answers once the instance is on 6 volumes "
                + "and in its catalog (\(floorMilliseconds) ms here at the least), and a content-addressed one "
                + "hashes every byte first, so the ratio of the third ceiling is the best any archive like this "
                + "could reach against Orthanc here")
        return [
            ceilingRow(
                "  ceiling: storescu into an SCP that keeps nothing", study, seconds: ceilings.sinkSeconds,
                reference: reference),
            ceilingRow(
                "  ceiling: that + 7 fdatasyncs (6 at once) per instance", study, seconds: ceilings.durableSeconds,
                reference: reference),
            ceilingRow(
                "  ceiling: that + SHA-256 of every byte", study,
                seconds: ceilings.durableSeconds + ceilings.hashSeconds, reference: reference),
        ]
    }
}
