// Goal: a node speaks DICOMweb the way other implementations expect: every Part-10 file pydicom ships goes through
// STOW-RS, WADO-RS and QIDO-RS unchanged, and dicomweb-client stores, searches and retrieves studies pydicom wrote.
// Method: a real `tessera node` child on its own 127.0.0.x address, port 0 and temporary folder, driven by a Python
// script in python/ next to this file on a thread we own, with a deadline; the script prints one line per check
// and stops at the first mismatch, and its output is the failure message. The node is killed when the test ends.
import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct InteropTests {
    @Test("every Part-10 file pydicom ships: stored by STOW-RS, bit-exact from WADO-RS, found by QIDO-RS as read")
    func pydicomTestFiles() async throws {
        try await InteropScript.run("pydicom_files.py", host: "127.0.0.2")
    }

    @Test("dicomweb-client stores pydicom studies, searches each level, retrieves them and their metadata")
    func dicomwebClientDrivesANode() async throws {
        try await InteropScript.run("dicomweb_client_drive.py", host: "127.0.0.3")
    }

    @Test("rendered images, decoded by Pillow, match pydicom's pixel array after its Modality LUT and windowing")
    func renderedImagesMatchPydicom() async throws {
        try await InteropScript.run("rendered_drive.py", host: "127.0.0.4")
    }
}

/// Runs one of the Python scripts in python/ against a fresh node.
enum InteropScript {
    /// The packages the scripts import, as the README's test command installs them.
    static let installLine = "python3 -m pip install pydicom dicomweb-client numpy pillow"
    /// How long a script may run before it is killed: each takes a few seconds in a debug build.
    static let runSecondsMax = 120
    /// Exit codes of the scripts (python/interop.py) and of `env` when python3 is absent.
    static let exitMissingPackage: Int32 = 3
    static let exitCommandNotFound: Int32 = 127
    /// How many of the script's last lines a failure shows: the failing check and what passed just before.
    static let shownLineCount = 40

    /// Starts a node on `host`, port 0, in a new temporary folder; runs `python3 python/<name> --url URL`; stops
    /// the node with SIGTERM and records a failure with the script's output unless both went well.
    static func run(_ name: String, host: String) async throws {
        let directory = TemporaryDirectory(prefix: "tessera-interop")
        let node = try await NodeProcess.start(["--data", directory.appending("data"), "--http", "\(host):0"])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("python").appendingPathComponent(name).path
        // Through env, so python3 is found on PATH; no __pycache__ is written into the source tree.
        let outcome = try await runCaptured(
            ["PYTHONDONTWRITEBYTECODE=1", "python3", script, "--url", node.url], in: directory,
            seconds: runSecondsMax, executable: "/usr/bin/env")
        let stopped = await node.stop()
        #expect(outcome.status == 0, Comment(rawValue: explanation(outcome, script: name)))
        #expect(
            stopped.status == 0 && !stopped.showsCrash,
            "the node did not stop cleanly: status \(stopped.status)\n\(stopped.errorOutput)")
    }

    /// What went wrong, with the install line when python3 or a package is missing.
    static func explanation(_ outcome: ProcessOutcome, script: String) -> String {
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false)
        let tail = lines.suffix(shownLineCount).joined(separator: "\n")
        let errors = outcome.errorOutput.split(separator: "\n").suffix(shownLineCount).joined(separator: "\n")
        switch outcome.status {
        case exitCommandNotFound:
            return "python3 is not installed: install it, then run `\(installLine)` (.ci/test does both)\n\(errors)"
        case exitMissingPackage:
            return "\(script) needs Python packages: run `\(installLine)` (.ci/test installs them)\n\(errors)"
        case 128 + SIGKILL:
            return "\(script) did not finish within \(runSecondsMax) s; its last lines:\n\(tail)\n\(errors)"
        default:
            return "\(script) exited with \(outcome.status) after \(lines.count - 1) lines:\n\(tail)\n\(errors)"
        }
    }
}
