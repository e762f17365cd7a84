// The least a durable C-STORE costs per instance on this machine, measured in the same run as the C-STORE figure:
// a node answers an instance only once its shards are fdatasynced on every volume (six at once, with 4+2 coding)
// and its catalog row after them (one more). Nothing else of a store is done here, so no archive that makes each
// instance durable like that can be faster on this drive.
import Foundation
import Glibc
import Posix
import Primitives

/// Per instance: `shardBytes` written and fdatasynced into each of `volumeCount` files at once (a pooled thread
/// each, as the store commits its volumes), then one page written and fdatasynced into one more file.
struct DurableCommitFloor {
    let directory: String
    let shardBytes: Int
    let volumeCount: Int
    let instanceCount: Int

    /// The mean seconds per instance; the files are removed afterwards.
    func measure() throws -> Double {
        let paths = (0...volumeCount).map { directory + "/commit-floor-\($0)" }
        let descriptors = try paths.map { path in
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw BenchError("open \(path): errno \(errno)") }
            return descriptor
        }
        defer {
            for descriptor in descriptors { close(descriptor) }
            for path in paths { unlink(path) }
        }
        let executor = PooledExecutor(name: "bench-commit-floor", threadCountMax: volumeCount)
        defer { executor.shutDown() }
        let shard = [UInt8](repeating: 0x5A, count: shardBytes)
        let page = [UInt8](repeating: 0xA5, count: 4096)
        let start = Date()
        for instance in 0..<instanceCount {
            let jobs = descriptors.prefix(volumeCount).map { descriptor in
                { @Sendable () -> String? in
                    Self.writeAndSync(descriptor, shard, at: Int64(instance) * Int64(shard.count))
                }
            }
            let failures = executor.launch(jobs).results().compactMap { $0 }
            if let failure = failures.first { throw BenchError("the commit floor's volume file: \(failure)") }
            if let failure = Self.writeAndSync(descriptors[volumeCount], page, at: Int64(instance) * 4096) {
                throw BenchError("the commit floor's catalog file: \(failure)")
            }
        }
        return Date().timeIntervalSince(start) / Double(max(instanceCount, 1))
    }

    /// Writes `bytes` at `offset` and fdatasyncs; the failure, or nil.
    private static func writeAndSync(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int64) -> String? {
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == bytes.count else { return "pwrite: errno \(errno)" }
        return fdatasync(descriptor) == 0 ? nil : "fdatasync: errno \(errno)"
    }
}
