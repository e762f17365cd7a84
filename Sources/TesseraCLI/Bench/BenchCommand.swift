// `tessera bench …`: picks the benchmark, and the child mode the storage bench uses to measure peak memory in a
// process of its own.
import Foundation
import ObjectStore
import Posix
import Primitives

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
            try StorageBench(bytes: gibibytes << 30, directory: directory).run()
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
        case ["catalog"]:
            try PosixDisk().makeDirectory(directory)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var bench = CatalogQueryBench(directory: directory)
            bench.studyCount = try arguments.integer("studies", in: 1...1_000_000) ?? bench.studyCount
            bench.searchCount = try arguments.integer("searches", in: 10...1_000_000) ?? bench.searchCount
            Console.error("filling a catalog with \(bench.studyCount * 100) instances, then searching…")
            let result = try bench.run()
            var table = BenchTable()
            table.add(CatalogQueryBench.row(result, figure: "Catalog.query study search p50 / p99"))
            for line in table.render() { print(line) }
            print(
                "note: fill \(Console.fixed(result.fillSeconds, digits: 1)) s; p50 by kind (ms): "
                    + zip(CatalogQueryBench.searchKinds, result.p50MillisecondsByKind).map {
                        "\($0) \(Console.fixed($1, digits: 2))"
                    }.joined(separator: ", "))
        case ["rebuild"]:
            var bench = RebuildBench(directory: directory)
            bench.smallCount = try arguments.integer("instances", in: 1...10_000_000) ?? bench.smallCount
            bench.sliceCount = try arguments.integer("slices", in: 1...10_000) ?? bench.sliceCount
            defer { try? FileManager.default.removeItem(atPath: directory) }
            for line in try bench.run() { print(line) }
        case ["membership"]:
            let settings = arguments.flag("quick") ? MembershipBench.Settings.quick : .full
            let seed = UInt64(try arguments.integer("seed", in: 0...Int.max) ?? 11)
            for line in MembershipBench(settings: settings, seed: seed).run() { print(line) }
        default:
            throw UsageError(
                description: "bench needs a benchmark name: storage, dicomweb, catalog, rebuild or membership")
        }
    }

    /// Child mode: put then get one generated object of `--gib` GiB and print the peak RSS in bytes.
    static func rssChild(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["gib", "data"])
        let bytes = Int64(try arguments.integer("gib", in: 1...64) ?? 2) << 30
        let store = try ObjectStore.open(
            directory: try arguments.required("data"), disk: PosixDisk(), random: SystemRandomSource(),
            executor: CommandExecutor.shared)
        defer { store.close() }
        var source = GeneratedSource(length: bytes, seed: 42)
        let receipt = try store.put(from: &source)
        var sink = CountingSink()
        try store.get(receipt.address, into: &sink)
        guard sink.count == bytes else {
            throw StoreError(.io, "read back \(sink.count) of \(bytes) bytes")
        }
        Terminal.write("\(BenchTiming.peakResidentBytes() ?? -1)\n", to: 1)
    }
}

/// Pseudo-random bytes generated on the fly: a large object that never sits in memory.
struct GeneratedSource: ByteSource {
    private var remaining: Int64
    private var random: SeededRandom

    init(length: Int64, seed: UInt64) {
        remaining = length
        random = SeededRandom(seed: seed)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = Int(min(Int64(buffer.count), remaining))
        random.fill(UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]))
        remaining -= Int64(count)
        return count
    }
}

/// A sink that only counts what it is given.
struct CountingSink: ByteSink {
    private(set) var count: Int64 = 0

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws { count += Int64(buffer.count) }
}

/// A source over ranges of one big in-memory buffer: the bench's objects, built without copying.
struct RangesSource: ByteSource {
    let base: UnsafeRawBufferPointer
    let ranges: [Range<Int>]
    private var rangeIndex = 0
    private var offset = 0

    init(base: UnsafeRawBufferPointer, ranges: [Range<Int>]) {
        self.base = base
        self.ranges = ranges
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while rangeIndex < ranges.count {
            let range = ranges[rangeIndex]
            let count = min(buffer.count, range.count - offset)
            if count > 0 {
                buffer.baseAddress!.copyMemory(
                    from: base.baseAddress! + range.lowerBound + offset, byteCount: count)
                offset += count
                return count
            }
            rangeIndex += 1
            offset = 0
        }
        return 0
    }
}
