// Goal: a new user can ask the real `tessera` for help: `tessera --help`, `-h` and `tessera help` list the commands,
// and `tessera COMMAND --help` (or `-h`, or `tessera help COMMAND`) prints that command's usage and exits 0 instead
// of "unknown option --help". Method: run the built executable; nothing else is started.
import Foundation
import Posix
import TestSupport
import Testing

@Suite(.serialized) struct HelpCommandTests {
    /// Every command with a usage of its own.
    static let commands = [
        "node", "store", "fetch", "find", "samples", "put", "get", "list", "delete", "gc", "scrub", "catalog", "check",
        "patient-conflicts", "bench", "fuzz", "cluster", "chaos",
    ]

    @Test("tessera --help, -h and help list every command and exit 0")
    func listOfCommands() async throws {
        for words in [["--help"], ["-h"], ["help"]] {
            let result = try await TesseraBinary.run(words)
            #expect(result.status == 0, "\(words): \(result.errorOutput)")
            #expect(result.output.hasPrefix("usage: tessera <command>"), "\(words): \(result.output)")
            for command in Self.commands {
                #expect(result.output.contains("\n  \(command) "), "\(words) lists \(command)")
            }
        }
        let bare = try await TesseraBinary.run([])
        #expect(bare.status == 2 && bare.output.hasPrefix("usage: tessera <command>"), "\(bare.output)")
    }

    @Test("tessera COMMAND --help, -h and help COMMAND print that command's usage and exit 0", arguments: commands)
    func commandUsage(command: String) async throws {
        for words in [[command, "--help"], [command, "-h"], ["help", command], [command, "--data", "/x", "--help"]] {
            let result = try await TesseraBinary.run(words)
            #expect(result.status == 0, "\(words): \(result.errorOutput)")
            #expect(result.output.hasPrefix("usage: tessera \(command) "), "\(words): \(result.output)")
            #expect(!result.output.contains("usage: tessera <command>"), "\(words) prints one command's usage")
            #expect(result.errorOutput.isEmpty, "\(words): \(result.errorOutput)")
        }
    }

    @Test("a usage mistake in a command prints that command's usage; help for an unknown command is a mistake")
    func mistakes() async throws {
        let wrong = try await TesseraBinary.run(["find", "--bogus"])
        #expect(wrong.status == 2 && wrong.errorOutput.contains("unknown option --bogus"), "\(wrong.errorOutput)")
        #expect(wrong.errorOutput.contains("usage: tessera find "), "\(wrong.errorOutput)")
        let unknown = try await TesseraBinary.run(["help", "frobnicate"])
        #expect(unknown.status == 2 && unknown.errorOutput.contains("unknown command 'frobnicate'"))
        let unknownWithHelp = try await TesseraBinary.run(["frobnicate", "--help"])
        #expect(unknownWithHelp.status == 2 && unknownWithHelp.errorOutput.contains("unknown command"))
    }

    @Test("under libfaketime (the chaos runner's clock skew) the arguments still reach the command")
    func argumentsUnderFakeTime() async throws {
        let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
        guard FileManager.default.fileExists(atPath: library) else {
            Issue.record("libfaketime is missing (Debian package faketime, which .ci/test installs)")
            return
        }
        let outcome = try await runOnOwnedThread {
            Result {
                try ChildProcess.run(
                    "/usr/bin/env", ["LD_PRELOAD=" + library, "FAKETIME=+600", TesseraBinary.path, "help", "node"],
                    logDirectory: NSTemporaryDirectory())
            }
        }.get()
        #expect(outcome.status == 0 && outcome.output.hasPrefix("usage: tessera node "), "\(outcome.output)")
    }
}
