// Runs the real `tessera` executable built beside the tests, as a child process, for ProcessTests.
import Foundation

/// What a finished `tessera` run printed and how it ended.
public struct ProcessOutcome: Sendable {
    /// The exit status (or 128 + signal when killed).
    public let status: Int32
    /// Everything written to standard output.
    public let output: String
    /// Everything written to standard error.
    public let errorOutput: String

    /// Whether the run crashed or printed a stack trace instead of a clear error.
    public var showsCrash: Bool {
        ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault"]
            .contains { errorOutput.contains($0) || output.contains($0) }
    }
}

/// The `tessera` executable from the same build folder as the running tests.
public enum TesseraBinary {
    /// The path of the executable: $TESSERA_BINARY, or `tessera` next to the test bundle.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["TESSERA_BINARY"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may live inside a .xctest bundle folder; the executable sits beside the bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("tessera").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/tessera"
    }

    /// Runs `tessera arguments…` to completion, its output captured to files (see runCaptured), so the cooperative
    /// pool is never blocked and no end of output is missed.
    public static func run(_ arguments: [String], seconds: Int = 120) async throws -> ProcessOutcome {
        let directory = TemporaryDirectory(prefix: "tessera-run")
        return try await runCaptured(arguments, in: directory, seconds: seconds)
    }

    /// Starts `tessera arguments…` and returns at once; read its lines and kill it as the test needs.
    public static func start(_ arguments: [String]) throws -> RunningProcess {
        try RunningProcess(executable: path, arguments: arguments)
    }
}

/// A child process whose output is collected as it arrives.
// SAFETY: `process` is only started in init and afterwards only queried or signalled, which Foundation's Process
// allows from any thread; the collected output lives behind the NSCondition `lock`.
public final class RunningProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSCondition()
    private var outputBytes = Data()
    private var errorBytes = Data()
    private var openStreams = 2

    init(executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.collect(handle.availableData, isError: false, handle: handle)
        }
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.collect(handle.availableData, isError: true, handle: handle)
        }
        try process.run()
    }

    /// The process identifier.
    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL.
    public func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// The complete lines written to standard output so far.
    public var outputLines: [String] {
        lock.lock()
        defer { lock.unlock() }
        let text = String(decoding: outputBytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()  // the part after the last newline is not a complete line yet
        return lines
    }

    /// Blocks the calling owned thread until the process ends and both pipes are drained.
    public func waitForOutcome() -> ProcessOutcome {
        process.waitUntilExit()
        lock.lock()
        // Both pipes reach end-of-file soon after exit; the deadline only guards against a grandchild holding one.
        let deadline = Date().addingTimeInterval(10)
        while openStreams > 0 && lock.wait(until: deadline) {}
        let outcome = ProcessOutcome(
            status: process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus
                : process.terminationStatus,
            output: String(decoding: outputBytes, as: UTF8.self),
            errorOutput: String(decoding: errorBytes, as: UTF8.self))
        lock.unlock()
        return outcome
    }

    private func collect(_ data: Data, isError: Bool, handle: FileHandle) {
        lock.lock()
        defer { lock.unlock() }
        if data.isEmpty {
            handle.readabilityHandler = nil
            openStreams -= 1
        } else if isError {
            errorBytes.append(data)
        } else {
            outputBytes.append(data)
        }
        lock.broadcast()
    }
}
