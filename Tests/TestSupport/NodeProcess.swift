// A `tessera node` child process for tests (ProcessTests, InteropTests): start it, read the DICOMweb URL it prints,
// stop it with a signal, and make sure it is killed when the test ends whatever happened.
import Foundation

/// A running `tessera node` child; killed when released, so a failing test leaves no process behind.
public final class NodeProcess: Sendable {
    /// The child process.
    public let process: RunningProcess
    /// The DICOMweb base URL it printed, "http://127.0.0.1:PORT/dicom-web".
    public let url: String

    /// Starts `tessera node arguments…` and waits (up to `seconds`) for its URL line.
    public static func start(_ arguments: [String], seconds: Int = 120) async throws -> NodeProcess {
        // A node started with --data listens for DIMSE on 127.0.0.1:4242 by default: tests run side by side, so
        // each gets a free port unless it asks for one.
        let dimse = arguments.contains("--data") && !arguments.contains("--dimse") ? ["--dimse", "127.0.0.1:0"] : []
        let process = try TesseraBinary.start(["node"] + arguments + dimse)
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
    public var port: Int {
        let afterHost = url.dropFirst("http://".count).split(separator: ":")[1]
        return Int(afterHost.prefix { $0.isNumber }) ?? 0
    }

    /// Sends `signal` (SIGTERM when nil) and waits for the process to end.
    public func stop(signal: Int32? = nil) async -> ProcessOutcome {
        kill(process.pid, signal ?? SIGTERM)
        return await runOnOwnedThread { [process] in process.waitForOutcome() }
    }
}

/// A node that did not start.
public struct NodeStartFailure: Error, CustomStringConvertible {
    /// What the node printed instead of its URL.
    public let description: String
}

/// Waits on an owned thread until a line of the child's standard output satisfies `matches`, or `seconds` pass.
public func waitForLine(
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
