// The drive's own write rate, measured in the same run as STOW-RS: ingest with fsync cannot be faster than the
// drive takes the bytes, and a node with 4+2 coding writes 1.5 bytes per byte stored. Shown so a STOW-RS ratio
// can be read against what the machine allows.
import Foundation
import Glibc
import Posix
import Synchronization

/// Writes `bytes` spread over `fileCount` files at once (one thread per file, 1 MiB writes, fdatasync at the end
/// of each), as a node's volumes do, and times it.
struct DriveWriteRate {
    let directory: String
    let bytes: Int
    let fileCount: Int

    /// Bytes per second, from the first write to the last fdatasync; the files are removed afterwards.
    func measure() throws -> Double {
        let perFile = bytes / fileCount
        let block = [UInt8](repeating: 0xA5, count: 1 << 20)
        let paths = (0..<fileCount).map { directory + "/drive-rate-\($0)" }
        defer { for path in paths { unlink(path) } }
        let failures = Failures()
        let start = Date()
        let threads = paths.map { path in
            OwnedThread(name: "bench-drive") {
                let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { return failures.add("open \(path): errno \(errno)") }
                defer { close(descriptor) }
                var left = perFile
                while left > 0 {
                    let count = min(left, block.count)
                    let written = block.withUnsafeBytes { write(descriptor, $0.baseAddress, count) }
                    guard written > 0 else { return failures.add("write \(path): errno \(errno)") }
                    left -= written
                }
                if fdatasync(descriptor) != 0 { failures.add("fdatasync \(path): errno \(errno)") }
            }
        }
        for thread in threads { thread.join() }
        let seconds = Date().timeIntervalSince(start)
        if let failure = failures.first {
            throw BenchError("measuring the drive's write rate: \(failure)")
        }
        return Double(perFile * fileCount) / seconds
    }

    /// What the writer threads report.
    private final class Failures: Sendable {
        private let messages = Mutex<[String]>([])

        func add(_ message: String) { messages.withLock { $0.append(message) } }
        var first: String? { messages.withLock { $0.first } }
    }
}
