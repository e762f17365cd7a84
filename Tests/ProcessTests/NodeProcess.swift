// Helpers for tests that run `tessera node` as a child process: start it, read the DICOMweb URL it prints, stop it
// with a signal, and make sure it is killed when the test ends whatever happened.
import Foundation
import Posix
import Synchronization
import TestSupport
import Testing

/// A running `tessera node` child; killed when released, so a failing test leaves no process behind.
final class NodeProcess: Sendable {
    /// The child process.
    let process: RunningProcess
    /// The DICOMweb base URL it printed, "http://127.0.0.1:PORT/dicom-web".
    let url: String

    /// Starts `tessera node arguments…` and waits (up to `seconds`) for its URL line.
    static func start(_ arguments: [String], seconds: Int = 120) async throws -> NodeProcess {
        let process = try TesseraBinary.start(["node"] + arguments)
        let line = await waitForLine(process, seconds: seconds) { $0.contains("/dicom-web") }
        guard let line, let range = line.range(of: "http://") else {
            process.kill()
            let outcome = await runOnOwnedThread { process.waitForOutcome() }
            throw NodeStartFailure(description: "the node printed no URL: \(outcome.errorOutput) \(outcome.output)")
        }
        let url = String(line[range.lowerBound...]).split(separator: " ").first.map(String.init) ?? ""
        return NodeProcess(process: process, url: url)
    }

    private init(process: RunningProcess, url: String) {
        self.process = process
        self.url = url
    }

    deinit { process.kill() }

    /// The port in `url`.
    var port: Int {
        let afterHost = url.dropFirst("http://".count).split(separator: ":")[1]
        return Int(afterHost.prefix { $0.isNumber }) ?? 0
    }

    /// Sends `signal` and waits for the process to end.
    func stop(signal: Int32 = SIGTERM) async -> ProcessOutcome {
        kill(process.pid, signal)
        return await runOnOwnedThread { [process] in process.waitForOutcome() }
    }
}

/// A node that did not start.
struct NodeStartFailure: Error, CustomStringConvertible {
    let description: String
}

/// Waits on an owned thread until a line of the child's standard output satisfies `matches`, or `seconds` pass.
func waitForLine(
    _ process: RunningProcess, seconds: Int, _ matches: @escaping @Sendable (String) -> Bool
) async -> String? {
    await runOnOwnedThread {
        for _ in 0..<(seconds * 100) {
            if let line = process.outputLines.first(where: matches) { return line }
            usleep(10_000)
        }
        return nil
    }
}

/// Writes `text` to `path`, readable by its owner only (config files hold tokens).
func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
}

/// Every regular file under `directory`, as paths relative to it.
func files(under directory: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory)
    var found: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory),
            !isDirectory.boolValue
        {
            found.append(relative)
        }
    }
    return found.sorted()
}

/// Whether a watched process has ended, shared with its watchdog thread.
final class FinishedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// A plain HTTP/1.1 GET of `path` on 127.0.0.1:`port` over a Posix socket, for the node's own routes: the status
/// code and the body (the connection is closed by the server after the answer).
func httpGet(port: Int, path: String) async throws -> (status: Int, body: String) {
    let result = await runOnOwnedThread {
        Result { () throws -> HTTPAnswer in try httpGetBlocking(port: port, path: path) }
    }
    let answer = try result.get()
    return (answer.status, answer.body)
}

/// A status and body.
struct HTTPAnswer: Sendable {
    let status: Int
    let body: String
}

private func httpGetBlocking(port: Int, path: String) throws -> HTTPAnswer {
    let socket = try Socket.connect(host: "127.0.0.1", port: port)
    defer { socket.close() }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    try request.withUnsafeBytes { try socket.sendAll($0) }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0) }
        if count == 0 { break }
        answer += buffer[0..<count]
    }
    let text = String(decoding: answer, as: UTF8.self)
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return HTTPAnswer(status: status, body: body)
}

/// Runs `tessera arguments…` to its end with standard output and error going to files in `directory`, killing it
/// after `seconds` (a node that should have refused to start but did not shows as status 137).
///
/// Files rather than pipes: RunningProcess's pipe reader can miss the end of a stream, which costs its 10-second
/// drain deadline, and can stop early on outputs larger than a pipe's buffer (`find --json`).
func runCaptured(_ arguments: [String], in directory: TemporaryDirectory, seconds: Int = 120) async throws
    -> CapturedOutcome
{
    let name = "run-\(UInt64.random(in: 0...UInt64.max))"
    let outputPath = directory.appending(name + ".out")
    let errorPath = directory.appending(name + ".err")
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TesseraBinary.path)
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
    return CapturedOutcome(
        status: status, output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
        errorOutput: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
}

/// How a run captured to files ended.
struct CapturedOutcome: Sendable {
    let status: Int32
    let output: String
    let errorOutput: String

    /// Whether the run crashed or printed a stack trace instead of a clear error.
    var showsCrash: Bool {
        ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault"]
            .contains { errorOutput.contains($0) || output.contains($0) }
    }
}
