// `tessera bench …`: picks the benchmark, and the child mode the storage bench uses to measure peak memory in a
// process of its own.
import Foundation
import ObjectStore
import Posix
import Primitives

/// The bench subcommands.
enum BenchCommand {
    static func run(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["gib", "data"])
        guard arguments.positionals == ["storage"] else {
            throw UsageError(description: "bench needs a benchmark name: storage")
        }
        let gibibytes = try arguments.integer("gib", in: 1...64) ?? 1
        let directory = arguments.value("data") ?? NSTemporaryDirectory() + "tessera-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try StorageBench(bytes: gibibytes << 30, directory: directory).run()
    }

    /// Child mode: put then get one generated object of `--gib` GiB and print the peak RSS in bytes.
    static func rssChild(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["gib", "data"])
        let bytes = Int64(try arguments.integer("gib", in: 1...64) ?? 2) << 30
        let store = try ObjectStore.open(directory: try arguments.required("data"), disk: PosixDisk())
        defer { store.close() }
        var source = GeneratedSource(length: bytes, seed: 42)
        let receipt = try store.put(from: &source)
        var sink = CountingSink()
        try store.get(receipt.address, into: &sink)
        guard sink.count == bytes else { throw StoreError(.io, "read back \(sink.count) of \(bytes) bytes") }
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
                buffer.baseAddress!.copyMemory(from: base.baseAddress! + range.lowerBound + offset, byteCount: count)
                offset += count
                return count
            }
            rangeIndex += 1
            offset = 0
        }
        return 0
    }
}
