// A client nobody here wrote, for the bench's outside rows: python3 with the `requests` package streams a study's
// WADO-RS response and counts its bytes, as a viewer's back end would. It runs as a child process on the same cores
// as the servers, so what a server spends per byte served shows in its rate. Does not check the bytes (the rows
// of our own client do); only their count.
import Foundation
import Posix

/// The python3 `requests` client of `tessera bench dicomweb`.
struct OutsideClient {
    /// The interpreter, found on PATH.
    static let interpreter = "python3"
    /// The PyPI package the script imports.
    static let package = "requests"
    /// Bytes `iter_content` hands the script per iteration.
    static let readBytes = 1 << 20
    /// How long one retrieve may take before the script gives up.
    static let timeoutSeconds = 600

    /// The script: GET the study, stream the body to its end, print the body's bytes and the seconds from sending
    /// the request to the last byte (so the interpreter's start and imports are not timed).
    static let script = """
        import sys, time
        import requests

        origin, study = sys.argv[1], sys.argv[2]
        session = requests.Session()
        accept = 'multipart/related; type="application/dicom"; transfer-syntax=*'
        start = time.perf_counter()
        response = session.get(
            origin + "/dicom-web/studies/" + study, headers={"Accept": accept}, stream=True,
            timeout=\(timeoutSeconds))
        response.raise_for_status()
        count = 0
        for block in response.iter_content(chunk_size=\(readBytes)):
            count += len(block)
        seconds = time.perf_counter() - start
        print(count, repr(seconds))
        """

    /// Where the script was written.
    let scriptPath: String

    /// Writes the script into `directory`; nil, with the reason in `problem`, when python3 or `requests` is missing
    /// and cannot be installed (pip is tried once, as .ci/prerequisites.sh does).
    static func make(directory: String) -> (client: OutsideClient?, problem: String?) {
        if !canImport() {
            Console.error("installing the python package \(package) (pip)…")
            _ = run([interpreter, "-m", "pip", "install", "-q", package])
            if !canImport() {
                _ = run([interpreter, "-m", "pip", "install", "-q", "--break-system-packages", package])
            }
        }
        guard canImport() else {
            return (nil, "\(interpreter) with \(package) is missing; run `python3 -m pip install \(package)`")
        }
        let path = directory + "/outside-client.py"
        guard FileManager.default.createFile(atPath: path, contents: Data(script.utf8)) else {
            return (nil, "cannot write the outside client's script to \(path)")
        }
        return (OutsideClient(scriptPath: path), nil)
    }

    /// The version of `requests`, for the table's note.
    static var packageVersion: String {
        run([interpreter, "-c", "import requests; print(requests.__version__)"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Retrieves study `uid` from the server at `origin` and returns the seconds it took; throws when the script
    /// fails or the body is shorter than `bytesMin` (the instances alone).
    func retrieve(origin: String, study uid: String, bytesMin: Int64) throws -> Double {
        let result = Self.run([Self.interpreter, scriptPath, origin, uid])
        // The last line is the script's answer; anything before it is the interpreter's warnings.
        let last = result.output.split(separator: "\n").last ?? ""
        let words = last.split(whereSeparator: \.isWhitespace)
        guard result.status == 0, words.count == 2, let count = Int64(words[0]), let seconds = Double(words[1]) else {
            throw BenchError(
                "the outside client failed against \(origin) (status \(result.status)): "
                    + String(result.output.suffix(300)))
        }
        guard count >= bytesMin else {
            throw BenchError("the outside client got \(count) bytes from \(origin); expected at least \(bytesMin)")
        }
        return seconds
    }

    private static func canImport() -> Bool { run([interpreter, "-c", "import " + package]).status == 0 }

    /// Runs `command` (found on PATH) to its end; its exit status and standard output with standard error.
    private static func run(_ command: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (-1, "cannot start \(command[0])") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
