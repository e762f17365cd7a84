// Appending one line to a JSON-lines file (the fabric's operation log, a chaos run's history) so that several
// writers, threads or processes, never interleave: one write to a file opened with O_APPEND lands whole.
import Glibc

/// Appends lines to JSON-lines files.
enum JSONLines {
    /// Appends `line` and a newline to `path` (created when missing); `what` names the file in errors.
    static func append(_ line: [UInt8], to path: String, what: String) throws(ChaosError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ChaosError(.state, "cannot open \(what) \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = line + [0x0A]
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw ChaosError(.state, "cannot append to \(what) \(path): \(String(cString: strerror(errno)))")
        }
    }
}
