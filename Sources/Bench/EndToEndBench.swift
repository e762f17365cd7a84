// The end-to-end rows of the storage bench: mixed objects (30 % of their bytes repeat earlier objects) put into a
// fresh six-volume store with fsync, then read back verified; and peak RSS for one 2 GiB object in a child.
import Foundation
import ObjectStore
import Posix
import Primitives

/// Puts and gets mixed objects carved from one in-memory buffer.
struct EndToEndBench {
    let data: UnsafeRawBufferPointer
    let directory: String
    let executor: any Executor
    /// Object sizes cycle through these (MiB): a mix of small series and large multi-frame instances.
    static let objectMebibytes = [1, 4, 16, 64, 8, 32, 2, 128]
    /// The share of each object that repeats the start of the previous one.
    static let repeatedFraction = 0.3

    struct Result {
        let putRate: Double
        let getRate: Double
        let duplicatePercent: Double
    }

    /// The objects as ranges of `data`. The first is a shared region as long as the largest repeated part; every
    /// later object begins with the first 30 % of its size from that region (the same bytes from the same start,
    /// so the same chunks), then fresh bytes: about 30 % of all chunks are duplicates.
    func objects() -> [[Range<Int>]] {
        let sharedBytes = min(
            data.count, Int(Double(Self.objectMebibytes.max()! << 20) * Self.repeatedFraction))
        var objects: [[Range<Int>]] = [[0..<sharedBytes]]
        var fresh = sharedBytes
        var total = sharedBytes
        var index = 0
        while total < data.count && fresh < data.count {
            let size = min(
                Self.objectMebibytes[index % Self.objectMebibytes.count] << 20, data.count - total)
            let repeated = Int(Double(size) * Self.repeatedFraction)
            let freshCount = min(size - repeated, data.count - fresh)
            objects.append([0..<repeated, fresh..<fresh + freshCount])
            fresh += freshCount
            total += repeated + freshCount
            index += 1
        }
        return objects
    }

    func run() throws -> Result {
        try? FileManager.default.removeItem(atPath: directory)
        let store = try ObjectStore.open(
            directory: directory, disk: PosixDisk(), random: SystemRandomSource(),
            executor: executor)
        defer { store.close() }
        let objects = objects()
        let totalBytes = objects.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        var receipts: [PutReceipt] = []
        let putSeconds = try BenchTiming.seconds {
            for ranges in objects {
                var source = RangesSource(base: data, ranges: ranges)
                receipts.append(try store.put(from: &source))
            }
        }
        var readBytes: Int64 = 0
        let getSeconds = try BenchTiming.seconds {
            for receipt in receipts {
                var sink = CountingSink()
                try store.get(receipt.address, into: &sink)
                readBytes += sink.count
            }
        }
        guard readBytes == Int64(totalBytes) else {
            throw StoreError(.io, "read back \(readBytes) of \(totalBytes)")
        }
        let chunks = receipts.reduce(0) { $0 + $1.chunkCount }
        let new = receipts.reduce(0) { $0 + $1.newChunkCount }
        return Result(
            putRate: Double(totalBytes) / putSeconds / 1e9,
            getRate: Double(totalBytes) / getSeconds / 1e9,
            duplicatePercent: 100 * Double(chunks - new) / Double(max(1, chunks)))
    }
}

extension StorageBench {
    /// Runs `tessera bench-rss-child` on a fresh store and returns the peak RSS it reports.
    func peakResidentBytes() throws -> Int64 {
        let childDirectory = directory + "-rss"
        try? FileManager.default.removeItem(atPath: childDirectory)
        defer { try? FileManager.default.removeItem(atPath: childDirectory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChildProcess.tesseraExecutable)
        process.arguments = ["bench-rss-child", "--gib", "2", "--data", childDirectory]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let value = Int64(
                String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw StoreError(.io, "the peak-RSS child failed with status \(process.terminationStatus)")
        }
        return value
    }
}
