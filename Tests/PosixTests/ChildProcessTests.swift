// Goal: ChildProcess runs a command to its end with what it printed and how it ended, finds system tools, and waits
// for a server's ready line or says why it did not come. Method: /bin/sh children with known output and status.
import Foundation
import Posix
import TestSupport
import Testing

@Suite struct ChildProcessTests {
    @Test("a command run to its end gives its status, output and error output, and leaves no log files")
    func runToEnd() async throws {
        let directory = TemporaryDirectory()
        let outcome = try await runOnOwnedThread {
            Result { () throws(ChildProcessError) -> ChildOutcome in
                try ChildProcess.run(
                    "/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], logDirectory: directory.path)
            }
        }.get()
        #expect(outcome.status == 3)
        #expect(outcome.output == "out\n")
        #expect(outcome.errorOutput == "err\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a child killed by a signal reports 128 + the signal")
    func killed() async throws {
        let directory = TemporaryDirectory()
        let outcome = try await runOnOwnedThread {
            Result { () throws(ChildProcessError) -> ChildOutcome in
                try ChildProcess.run("/bin/sh", ["-c", "kill -9 $$"], logDirectory: directory.path)
            }
        }.get()
        #expect(outcome.status == 128 + 9)
    }

    @Test("a server's ready line is found; a child that exits first is an error naming it and its last words")
    func readyLine() async throws {
        let directory = TemporaryDirectory()
        let result = await runOnOwnedThread {
            Result { () throws(ChildProcessError) -> String in
                // `exec`: the shell becomes the sleeping server, so stopping it leaves no grandchild behind.
                let server = try ChildProcess(
                    name: "server", executable: "/bin/sh",
                    arguments: ["-c", "echo starting; echo ready 42; exec sleep 30"], logDirectory: directory.path)
                defer { server.stop(graceSeconds: 0) }
                return try server.waitForLine(containing: "ready", seconds: 10)
            }
        }
        #expect(try result.get() == "ready 42")
        let failed = await runOnOwnedThread {
            Result { () throws(ChildProcessError) -> String in
                let child = try ChildProcess(
                    name: "quitter", executable: "/bin/sh", arguments: ["-c", "echo gave up >&2"],
                    logDirectory: directory.path)
                return try child.waitForLine(containing: "ready", seconds: 10)
            }
        }
        #expect {
            try failed.get()
        } throws: { error in
            let text = "\(error)"
            return text.contains("quitter exited before it was ready") && text.contains("gave up")
        }
    }

    @Test("system tools are found in PATH or the system folders; an unknown name is nil")
    func executablePath() {
        #expect(ChildProcess.executablePath(named: "sh") != nil)
        #expect(ChildProcess.executablePath(named: "no-such-tool-\(UInt32.random(in: 0...UInt32.max))") == nil)
    }
}
