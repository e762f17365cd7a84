// A child process with its output in log files: a server started and watched for the line saying it is ready
// (a `tessera node`, Orthanc, in benches and the chaos runner), or a command run to its end (`ip`, `tc`, `nft`).
// Stopped whatever happened. It does not run commands through a shell.
import Foundation
import Glibc
public import Primitives
import Synchronization

/// One child process; killed when released, so an error leaves no server behind.
// SAFETY: `process` is started in init and afterwards only queried, waited on or signalled, which Foundation's
// Process allows from any thread; every other stored property is an immutable `let`.
public final class ChildProcess: @unchecked Sendable {
    /// A short name for messages, "node" or "Orthanc".
    public let name: String
    /// Where its standard output goes.
    public let outputPath: String
    /// Where its standard error goes.
    public let errorPath: String
    private let process: Process

    /// Starts `executable arguments…` with standard output and error in `logDirectory/NAME.out|err`.
    public init(name: String, executable: String, arguments: [String], logDirectory: String) throws(ChildProcessError) {
        self.name = name
        let stem = logDirectory + "/" + name.lowercased().replacingOccurrences(of: " ", with: "-")
        outputPath = stem + ".out"
        errorPath = stem + ".err"
        for path in [outputPath, errorPath] {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ChildProcessError("cannot create the log file \(path)")
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
            throw ChildProcessError("cannot start \(name) (\(executable)): \(error)")
        }
    }

    deinit { stop(graceSeconds: 0) }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    public var isRunning: Bool { process.isRunning }

    /// Everything the child has written to standard output so far.
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Everything the child has written to standard error so far.
    public var errorOutput: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for a line of standard output that contains `text` and returns it; throws with the
    /// end of its logs when the child exits first or the time runs out.
    public func waitForLine(containing text: String, seconds: Double) throws(ChildProcessError) -> String {
        let deadline = Self.deadline(seconds: seconds)
        while MonotonicClock().now() < deadline {
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { throw failure("exited before it was ready") }
            Self.pause(milliseconds: 20)
        }
        throw failure("printed no line with '\(text)' within \(Int(seconds)) s")
    }

    /// An error naming the child, `what` happened, and the last lines of its logs.
    public func failure(_ what: String) -> ChildProcessError {
        var text = "\(name) \(what)"
        for (path, log) in [(errorPath, errorOutput), (outputPath, output)] {
            let tail = log.split(separator: "\n").suffix(5).joined(separator: " | ")
            if !tail.isEmpty { text += "; \(path): \(tail)" }
        }
        return ChildProcessError(text)
    }

    /// The child's peak resident set size in bytes (VmHWM in /proc/PID/status), if it can be read.
    public func peakResidentBytes() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// Sends `signal` to the child, if it still runs.
    public func send(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
    }

    /// Blocks the calling owned thread until the child ends; its exit status, or 128 + the signal that ended it.
    public func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Sends SIGTERM, waits up to `graceSeconds` for the child to exit, then SIGKILLs it. Safe to call twice.
    ///
    /// Signals reach the child only: start programs directly (or a shell that `exec`s them), since a grandchild
    /// that outlives the child (a shell's `sleep`) was seen to hold up Foundation's wait until it ended too.
    public func stop(graceSeconds: Double = 15) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Self.deadline(seconds: graceSeconds)
        while process.isRunning && MonotonicClock().now() < deadline { Self.pause(milliseconds: 20) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Runs `executable arguments…` to its end, its output in `logDirectory` (removed afterwards), and returns what
    /// it printed and how it ended; the calling thread blocks, so call it from an owned thread.
    public static func run(
        _ executable: String, _ arguments: [String], logDirectory: String
    ) throws(ChildProcessError) -> ChildOutcome {
        let name = "run-\(getpid())-\(runCounter.add(1, ordering: .relaxed).oldValue)"
        let child = try ChildProcess(
            name: name, executable: executable, arguments: arguments, logDirectory: logDirectory)
        let status = child.waitForExit()
        let outcome = ChildOutcome(status: status, output: child.output, errorOutput: child.errorOutput)
        unlink(child.outputPath)
        unlink(child.errorPath)
        return outcome
    }

    /// The full path of the executable `name`, searched in $PATH and then the system folders root's PATH usually
    /// holds (`ip`, `tc` and `nft` live in /usr/sbin), or nil when none of them has it.
    public static func executablePath(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The running `tessera` executable, to start nodes of the same build.
    public static var tesseraExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The instant `seconds` from now on the monotonic clock, which, unlike the wall clock, never jumps.
    public static func deadline(seconds: Double) -> Instant {
        MonotonicClock().now().advanced(byTicks: Int64(seconds * Double(Instant.ticksPerSecond)))
    }

    /// Sleeps the calling (owned, main) thread for `milliseconds` on the monotonic clock.
    public static func pause(milliseconds: Int32) {
        let clock = MonotonicClock()
        clock.sleep(until: clock.now().advanced(byTicks: Int64(milliseconds) * Instant.ticksPerSecond / 1000))
    }
}

/// Distinguishes the log files of commands run at the same time in one process.
private let runCounter = Atomic<UInt64>(0)

/// What a finished child printed and how it ended.
public struct ChildOutcome: Sendable {
    /// The exit status, or 128 + the signal that ended it.
    public let status: Int32
    /// Everything written to standard output.
    public let output: String
    /// Everything written to standard error.
    public let errorOutput: String
}

/// A child process that could not be started, or did not do what its caller waited for, as one line.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    /// What failed, naming the child and the end of its logs.
    public let description: String

    /// Makes an error from one sentence.
    public init(_ description: String) { self.description = description }
}
