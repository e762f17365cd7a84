// `tessera bench rebuild`: how fast a lost catalog comes back from the store (issue 10, part 4). Two stores, one of
// many small instances and one of a 300-slice CT, each rebuilt from a cold page cache, against a read of the same
// objects through the same multi-object get: the ratio says what parsing and cataloguing add to the reads.
import Catalog
import DICOM
import DICOMweb
import Foundation
import ObjectStore
import Posix
public import Primitives
import Samples
import Synchronization

/// The catalog rebuild benchmark.
public struct RebuildBench {
    /// Small instances of the first store, and their size (rows = columns, 16-bit pixels).
    public var smallCount = 100_000
    static let smallMatrix = 32
    /// Small instances per study in the first store.
    static let smallPerStudy = 100
    /// Slices of the CT study of the second store (512 × 512, 16-bit).
    public var sliceCount = 300
    /// Objects put per batch (one commit each) while filling.
    static let fillBatchCount = 500
    /// The scratch folder; the caller removes it.
    let directory: String
    /// What the stores run their stages and commits on.
    let executor: any Executor

    /// Makes the bench with the default sizes, its stores in `directory` run on `executor`.
    public init(directory: String, executor: any Executor) {
        self.directory = directory
        self.executor = executor
    }

    /// What one store gave.
    struct Result {
        let instanceCount: Int
        let bytes: Int64
        let rebuildSeconds: Double
        let readSeconds: Double
    }

    /// Runs both stores and returns the table's lines and notes.
    public func run() throws -> [String] {
        try PosixDisk().makeDirectory(directory)
        var table = BenchTable()
        var notes: [String] = []
        let studyCount = (smallCount + Self.smallPerStudy - 1) / Self.smallPerStudy
        Console.error(
            "filling a store with \(smallCount) instances of \(Self.smallMatrix)×\(Self.smallMatrix)…")
        let small = try measure(folder: directory + "/small", notes: &notes) { batch in
            for study in 0..<studyCount {
                let count = min(Self.smallPerStudy, smallCount - study * Self.smallPerStudy)
                let instances = SyntheticInstance.study(
                    seed: UInt64(10_000 + study), patientID: "REBUILD-\(study)", sliceCount: count,
                    rows: Self.smallMatrix, columns: Self.smallMatrix)
                for instance in instances { try batch(instance.part10()) }
            }
        }
        table.add(row("catalog rebuild, \(small.instanceCount) small instances", small))
        Console.error("filling a store with a CT study of \(sliceCount) slices 512×512…")
        let ct = try measure(folder: directory + "/ct", notes: &notes) { batch in
            let instances = SyntheticInstance.study(
                seed: 2026, patientID: "REBUILD-CT", sliceCount: sliceCount, rows: 512, columns: 512)
            for instance in instances { try batch(instance.part10()) }
        }
        table.add(row("catalog rebuild, CT of \(ct.instanceCount) slices", ct))
        return table.render() + notes.map { "note: " + $0 }
    }

    /// Fills a new store in `folder` through `fill` (which hands each instance's bytes to the batch function it
    /// is given), then times a cold read of every object and a cold rebuild into a new catalog.
    private func measure(
        folder: String, notes: inout [String], fill: (_ batch: ([UInt8]) throws -> Void) throws -> Void
    ) throws -> Result {
        var store = try ObjectStore.open(
            directory: folder, disk: PosixDisk(), random: SystemRandomSource(),
            executor: executor)
        var pending: [[UInt8]] = []
        func flush() throws {
            try store.withBatch { batch in
                for bytes in pending {
                    var source = MemorySource(bytes)
                    try batch.put(from: &source)
                }
                for result in try batch.commit() { _ = try result.get() }
            }
            pending.removeAll(keepingCapacity: true)
        }
        try fill { bytes in
            pending.append(bytes)
            if pending.count == Self.fillBatchCount { try flush() }
        }
        try flush()
        store.close()

        let method = PageCache.drop(folders: [folder])
        store = try ObjectStore.open(
            directory: folder, disk: PosixDisk(), random: SystemRandomSource(),
            executor: executor)
        defer { store.close() }
        var counter = CountingObjectSink()
        let readSeconds = try BenchTiming.seconds {
            let addresses = try store.objectAddressesInStorageOrder()
            var start = 0
            while start < addresses.count {
                let end = min(start + CatalogRebuild.roundObjectCount, addresses.count)
                try store.get(Array(addresses[start..<end]), into: &counter)
                start = end
            }
        }
        store.close()
        PageCache.drop(folders: [folder])
        store = try ObjectStore.open(
            directory: folder, disk: PosixDisk(), random: SystemRandomSource(),
            executor: executor)
        let catalog = try Catalog.open(path: folder + "/catalog.sqlite")
        let clock = CountingVersions()
        var report = CatalogRebuildReport()
        let rebuildSeconds = try BenchTiming.seconds {
            report = try CatalogRebuild.run(
                store: store, into: catalog, originSite: try SiteID("bench"), version: clock.next)
        }
        guard report.instanceCount == report.objectCount, report.bytesRead == counter.bytes else {
            throw BenchError(
                "the rebuild catalogued \(report.instanceCount) of \(report.objectCount) objects, read "
                    + "\(report.bytesRead) of \(counter.bytes) bytes")
        }
        if !notes.contains(where: { $0.hasPrefix("cold") }) {
            notes.append(
                "cold: the store reopened and the page cache dropped (\(method.rawValue)) before the read and the "
                    + "rebuild; reference: the same objects read back (verified) without parsing or cataloguing"
            )
        }
        return Result(
            instanceCount: report.instanceCount, bytes: counter.bytes, rebuildSeconds: rebuildSeconds,
            readSeconds: readSeconds)
    }

    /// A table row: instances/s and MB/s of the rebuild, against the read alone.
    private func row(_ figure: String, _ result: Result) -> BenchRow {
        let rate = Double(result.instanceCount) / result.rebuildSeconds
        let bytesRate = Double(result.bytes) / result.rebuildSeconds
        let readRate = Double(result.bytes) / result.readSeconds
        return BenchRow(
            figure: figure,
            ours:
                "\(Console.fixed(rate, digits: 0)) instances/s, \(BenchTable.megabytesPerSecond(bytesRate))",
            reference: "\(BenchTable.megabytesPerSecond(readRate)) (read only)",
            ratio: bytesRate / readRate,
            target: "", isMet: nil)
    }
}

/// HLC versions for a bench catalog from a counter: a rebuild's timing needs no wall clock.
final class CountingVersions: Sendable {
    private let ticks = Atomic<Int64>(0)

    /// The next version.
    func next() -> HLCTimestamp {
        let tick = ticks.add(1, ordering: .relaxed).newValue
        return HLCTimestamp(
            physicalMilliseconds: 1_700_000_000_000 + tick, logical: 0, nodeID: NodeID(1))
    }
}

/// Counts the bytes of a multi-object read.
struct CountingObjectSink: ObjectSequenceSink {
    private(set) var bytes: Int64 = 0

    mutating func begin(object index: Int, length: UInt64) throws {}

    mutating func write(_ buffer: UnsafeRawBufferPointer) throws { bytes += Int64(buffer.count) }
}
