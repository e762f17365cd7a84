// Runs a child process to its end with its output captured to files and a deadline: `tessera` commands in
// ProcessTests, the Python interop scripts in InteropTests.
import Foundation
import Synchronization

/// Runs `executable arguments…` (by default `tessera`) to its end with standard output and error going to files in
/// `directory`, killing it after `seconds` (a run that should have ended but did not shows as status 137).
///
/// Files rather than pipes: RunningProcess's pipe reader can miss the end of a stream, which costs its 10-second
/// drain deadline, and can stop early on outputs larger than a pipe's buffer (`find --json`).
public func runCaptured(
    _ arguments: [String], in directory: TemporaryDirectory, seconds: Int = 120,
    executable: String = TesseraBinary.path
) async throws -> ProcessOutcome {
    let name = "run-\(UInt64.random(in: 0...UInt64.max))"
    let outputPath = directory.appending(name + ".out")
    let errorPath = directory.appending(name + ".err")
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    try process.run()
    let pid = process.processIdentifier
    let isFinished = FinishedFlag()
    let watchdog = Thread {
        for _ in 0..<(seconds * 10) {
            usleep(100_000)
            if isFinished.value.load(ordering: .acquiring) { return }
        }
        kill(pid, SIGKILL)
    }
    watchdog.start()
    let status = await runOnOwnedThread { () -> Int32 in
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }
    isFinished.value.store(true, ordering: .releasing)
    return ProcessOutcome(
        status: status, output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
        errorOutput: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
}

/// Whether a watched process has ended, shared with its watchdog thread.
final class FinishedFlag: Sendable {
    let value = Atomic<Bool>(false)
}
