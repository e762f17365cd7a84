// The child half of the storage bench's peak-RSS row (`tessera bench-rss-child`): one generated object put into a
// fresh store and read back, in a process of its own, so the peak resident set is that object's alone.
import ObjectStore
import Posix
public import Primitives

/// Puts and gets one generated object and reports the process's peak resident set.
public enum PeakMemoryChild {
    /// Puts `bytes` of seeded data into a new store in `directory` (run on `executor`), reads them back, and
    /// returns the peak RSS in bytes, or -1 when /proc does not tell it. Throws when the object does not read back
    /// whole.
    public static func run(bytes: Int64, directory: String, executor: any Executor) throws -> Int64 {
        let store = try ObjectStore.open(
            directory: directory, disk: PosixDisk(), random: SystemRandomSource(), executor: executor)
        defer { store.close() }
        var source = GeneratedSource(length: bytes, seed: objectSeed)
        let receipt = try store.put(from: &source)
        var sink = CountingSink()
        try store.get(receipt.address, into: &sink)
        guard sink.count == bytes else {
            throw StoreError(.io, "read back \(sink.count) of \(bytes) bytes")
        }
        return BenchTiming.peakResidentBytes() ?? -1
    }

    /// The seed of the generated object.
    private static let objectSeed: UInt64 = 42
}
