// A server the bench runs as a child process (a `tessera node`, Orthanc): started with its output in log files,
// watched for the line saying it is ready, measured through /proc, and stopped whatever happened.
import Foundation
import Glibc
import Posix
import Primitives

/// One child process of `tessera bench`; killed when released, so an error leaves no server behind.
final class BenchProcess {
    /// A short name for messages, "node" or "Orthanc".
    let name: String
    /// Where its standard output goes.
    let outputPath: String
    /// Where its standard error goes.
    let errorPath: String
    private let process: Process

    /// Starts `executable arguments…` with standard output and error in `logDirectory/NAME.out|err`.
    init(name: String, executable: String, arguments: [String], logDirectory: String) throws {
        self.name = name
        let stem = logDirectory + "/" + name.lowercased().replacingOccurrences(of: " ", with: "-")
        outputPath = stem + ".out"
        errorPath = stem + ".err"
        for path in [outputPath, errorPath] {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw BenchError("cannot create the log file \(path)")
            }
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start \(name) (\(executable)): \(error)")
        }
    }

    deinit { stop(graceSeconds: 0) }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    var isRunning: Bool { process.isRunning }

    /// Waits up to `seconds` for a line of standard output that contains `text` and returns it; throws with the
    /// end of its logs when the child exits first or the time runs out.
    func waitForLine(containing text: String, seconds: Double) throws -> String {
        let deadline = Self.deadline(seconds: seconds)
        while MonotonicClock().now() < deadline {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { throw failure("exited before it was ready") }
            Self.pause(milliseconds: 20)
        }
        throw failure("printed no line with '\(text)' within \(Int(seconds)) s")
    }

    /// An error naming the child, `what` happened, and the last lines of its logs.
    func failure(_ what: String) -> BenchError {
        var text = "\(name) \(what)"
        for path in [errorPath, outputPath] {
            let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(5).joined(separator: " | ")
            if !tail.isEmpty { text += "; \(path): \(tail)" }
        }
        return BenchError(text)
    }

    /// The child's peak resident set size in bytes (VmHWM in /proc/PID/status), if it can be read.
    func peakResidentBytes() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// Sends SIGTERM, waits up to `graceSeconds` for the child to exit, then SIGKILLs it. Safe to call twice.
    func stop(graceSeconds: Double = 15) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Self.deadline(seconds: graceSeconds)
        while process.isRunning && MonotonicClock().now() < deadline { Self.pause(milliseconds: 20) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// The running `tessera` executable, to start nodes of the same build.
    static var tesseraExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The instant `seconds` from now on the monotonic clock, which, unlike the wall clock, never jumps.
    static func deadline(seconds: Double) -> Instant {
        MonotonicClock().now().advanced(byTicks: Int64(seconds * Double(Instant.ticksPerSecond)))
    }

    /// Sleeps the calling (owned, main) thread for `milliseconds` on the monotonic clock.
    static func pause(milliseconds: Int32) {
        let clock = MonotonicClock()
        clock.sleep(until: clock.now().advanced(byTicks: Int64(milliseconds) * Instant.ticksPerSecond / 1000))
    }
}
