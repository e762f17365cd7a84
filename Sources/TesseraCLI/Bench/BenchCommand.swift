// `tessera bench …`: reads the arguments, picks the benchmark from the Bench module and prints what it measured;
// also the child mode the storage bench uses to measure peak memory in a process of its own.
import Bench
import Foundation
import Posix

/// The bench subcommands.
enum BenchCommand {
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(
            words,
            valued: ["gib", "data", "batch", "studies", "searches", "rounds", "instances", "slices", "seed"],
            switches: ["quick", "retrieve-only", "store-only"])
        let directory = arguments.value("data") ?? NSTemporaryDirectory() + "tessera-bench-\(getpid())"
        switch arguments.positionals {
        case ["storage"]:
            let gibibytes = try arguments.integer("gib", in: 1...64) ?? 1
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let bench = StorageBench(bytes: gibibytes << 30, directory: directory, executor: CommandExecutor.shared)
            for line in try bench.run() { print(line) }
        case ["dicomweb"]:
            var settings = arguments.flag("quick") ? DICOMwebBench.Settings.quick : .full
            settings.batchCount = try arguments.integer("batch", in: 1...1_000) ?? settings.batchCount
            settings.outsideRoundCount =
                try arguments.integer("rounds", in: 1...100) ?? settings.outsideRoundCount
            settings.isRetrieveOnly = arguments.flag("retrieve-only")
            settings.isStoreOnly = arguments.flag("store-only")
            if settings.isRetrieveOnly && settings.isStoreOnly {
                throw UsageError(description: "--retrieve-only and --store-only exclude each other")
            }
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let lines = try DICOMwebBench(settings: settings, directory: directory).run()
            for line in lines { print(line) }
        case ["dimse"]:
            var settings = arguments.flag("quick") ? DIMSEBench.Settings.quick : .full
            settings.roundCount = try arguments.integer("rounds", in: 1...100) ?? settings.roundCount
            defer { try? FileManager.default.removeItem(atPath: directory) }
            for line in try DIMSEBench(settings: settings, directory: directory).run() { print(line) }
        case ["catalog"]:
            try PosixDisk().makeDirectory(directory)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var bench = CatalogQueryBench(directory: directory)
            bench.studyCount = try arguments.integer("studies", in: 1...1_000_000) ?? bench.studyCount
            bench.searchCount = try arguments.integer("searches", in: 10...1_000_000) ?? bench.searchCount
            Console.error("filling a catalog with \(bench.studyCount * 100) instances, then searching…")
            for line in CatalogQueryBench.report(try bench.run()) { print(line) }
        case ["rebuild"]:
            var bench = RebuildBench(directory: directory, executor: CommandExecutor.shared)
            bench.smallCount = try arguments.integer("instances", in: 1...10_000_000) ?? bench.smallCount
            bench.sliceCount = try arguments.integer("slices", in: 1...10_000) ?? bench.sliceCount
            defer { try? FileManager.default.removeItem(atPath: directory) }
            for line in try bench.run() { print(line) }
        case ["region"]:
            let slices = try arguments.integer("slices", in: 1...10_000) ?? (arguments.flag("quick") ? 20 : 200)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var bench = RegionBench(sliceCount: slices, directory: directory)
            bench.isQuick = arguments.flag("quick")
            for line in try bench.run() { print(line) }
        case ["membership"]:
            let settings = arguments.flag("quick") ? MembershipBench.Settings.quick : .full
            let seed = UInt64(try arguments.integer("seed", in: 0...Int.max) ?? 11)
            for line in MembershipBench(settings: settings, seed: seed).run() { print(line) }
        default:
            throw UsageError(
                description:
                    "bench needs a benchmark name: storage, dicomweb, dimse, catalog, rebuild, membership or region")
        }
    }

    /// Child mode: put then get one generated object of `--gib` GiB and print the peak RSS in bytes.
    static func rssChild(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["gib", "data"])
        let bytes = Int64(try arguments.integer("gib", in: 1...64) ?? 2) << 30
        let peak = try PeakMemoryChild.run(
            bytes: bytes, directory: try arguments.required("data"), executor: CommandExecutor.shared)
        Terminal.write("\(peak)\n", to: 1)
    }
}
