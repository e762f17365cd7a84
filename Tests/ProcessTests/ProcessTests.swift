// Goal: the real `tessera` executable keeps its promises to an operator: a SIGKILL mid-stream loses nothing that
// was acknowledged, a full disk fails cleanly, and every bad input gets a clear message and a non-zero exit with
// no stack trace. Method: child processes of the built binary on temporary data directories.
import Foundation
import TestSupport
import Testing

/// Writes `count` seeded files of 0.5–2 MiB into `directory`; returns their paths.
func makeInputFiles(in directory: String, count: Int, seed: UInt64) throws -> [String] {
    try (0..<count).map { index in
        let path = directory + "/input-\(index).bin"
        let size = (1 << 19) + Int((seed &+ UInt64(index) &* 7919) % UInt64(3 << 19))
        // Kernel randomness is fast to make in bulk; the content only needs to be unique.
        let random = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/urandom"))
        defer { try? random.close() }
        try random.read(upToCount: size)!.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Parses the "ADDRESS  PATH" lines `tessera put` prints.
func acknowledged(_ lines: [String]) -> [(address: String, path: String)] {
    lines.compactMap { line in
        let parts = line.components(separatedBy: "  ")
        return parts.count == 2 && parts[0].count == 64 ? (parts[0], parts[1]) : nil
    }
}

/// Mounts a tmpfs of `megabytes` at `path` (root only); false when this machine does not allow it.
func mountSmallFileSystem(at path: String, megabytes: Int, readOnly: Bool = false) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/mount")
    process.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m" + (readOnly ? ",ro" : ""), "tmpfs", path]
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

/// Whether this machine lets the tests mount a tmpfs (root in a sandbox that allows it).
let canMountTmpfs: Bool = {
    let probe = TemporaryDirectory(prefix: "tessera-mount-probe")
    guard mountSmallFileSystem(at: probe.path, megabytes: 1) else { return false }
    unmount(probe.path)
    return true
}()

func unmount(_ path: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/umount")
    process.arguments = [path]
    try? process.run()
    process.waitUntilExit()
}

@Suite(.serialized) struct ProcessTests {
    @Test("after SIGKILL in the middle of a stream of puts, every acknowledged put reads back bit-exact")
    func killDuringPuts() async throws {
        let directory = TemporaryDirectory()
        let data = directory.appending("data")
        let inputs = try makeInputFiles(in: directory.path, count: 150, seed: 3)
        let child = try TesseraBinary.start(["put"] + inputs + ["--data", data])
        // Watch on an owned thread and kill the moment a few puts are acknowledged.
        await runOnOwnedThread {
            var waitedMilliseconds = 0
            while acknowledged(child.outputLines).count < 4 && waitedMilliseconds < 60_000 {
                usleep(1000)
                waitedMilliseconds += 1
            }
            child.kill()
        }
        let outcome = await runOnOwnedThread { child.waitForOutcome() }
        let done = acknowledged(outcome.output.components(separatedBy: "\n"))
        #expect(done.count >= 3, "the child should have acknowledged some puts before the kill")
        #expect(done.count < inputs.count, "the kill should land in the middle of the stream")
        for (address, path) in done {
            let copy = directory.appending("copy")
            let result = try await TesseraBinary.run(["get", address, "--data", data, "--out", copy])
            #expect(result.status == 0, "\(result.errorOutput)")
            #expect(FileManager.default.contentsEqual(atPath: copy, andPath: path))
        }
        // No partial object is visible: every listed object is one of the inputs and reads back whole.
        let listing = try await TesseraBinary.run(["list", "--data", data])
        #expect(listing.status == 0)
        let listed = listing.output.split(separator: "\n").map { String($0.prefix(64)) }
        #expect(Set(done.map(\.address)).isSubset(of: Set(listed)))
        for address in listed {
            let result = try await TesseraBinary.run([
                "get", address, "--data", data, "--out", directory.appending("x"),
            ])
            #expect(result.status == 0)
        }
        // And the store takes new writes.
        let again = try await TesseraBinary.run(["put", inputs.last!, "--data", data])
        #expect(again.status == 0 && again.output.count > 64)
    }

    // Needs mount rights; without them the injected-ENOSPC test in ObjectStoreTests ("a full disk (injected
    // ENOSPC)…") covers the store's side of a full disk.
    @Test(
        "a full disk (a 24 MiB tmpfs) fails the put clearly; earlier objects stay intact; gc makes room again",
        .enabled(if: canMountTmpfs, "mounting a tmpfs needs root"))
    func fullDisk() async throws {
        let directory = TemporaryDirectory()
        let mountPoint = directory.appending("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try #require(mountSmallFileSystem(at: mountPoint, megabytes: 24))
        defer { unmount(mountPoint) }
        let data = mountPoint + "/data"
        let small = directory.appending("small.bin")
        try Data(TestBytes.random(count: 1 << 20, seed: 1)).write(to: URL(fileURLWithPath: small))
        let big = directory.appending("big.bin")
        try Data(TestBytes.random(count: 40 << 20, seed: 2)).write(to: URL(fileURLWithPath: big))
        let first = try await TesseraBinary.run(["put", small, "--data", data])
        #expect(first.status == 0)
        let full = try await TesseraBinary.run(["put", big, "--data", data])
        #expect(full.status == 1 && !full.showsCrash)
        #expect(full.errorOutput.contains("is full"), "\(full.errorOutput)")
        let listing = try await TesseraBinary.run(["list", "--data", data])
        #expect(listing.output.split(separator: "\n").count == 1)
        let address = String(first.output.prefix(64))
        let copy = directory.appending("copy")
        let read = try await TesseraBinary.run(["get", address, "--data", data, "--out", copy])
        #expect(read.status == 0 && FileManager.default.contentsEqual(atPath: copy, andPath: small))
        let collected = try await TesseraBinary.run(["gc", "--data", data])
        #expect(collected.status == 0, "\(collected.errorOutput)")
        let later = try await TesseraBinary.run(["put", directory.appending("copy"), "--data", data])
        #expect(later.status == 0, "\(later.errorOutput)")
    }

    @Test("bad input gets a clear error naming the problem, a non-zero exit and no stack trace")
    func clearErrors() async throws {
        let directory = TemporaryDirectory()
        let data = directory.appending("data")
        let file = directory.appending("file.bin")
        try Data(TestBytes.random(count: 1000, seed: 1)).write(to: URL(fileURLWithPath: file))
        _ = try await TesseraBinary.run(["put", file, "--data", data])
        let config = directory.appending("config.json")
        try Data(#"{"volumeCount": 3, "dataShardCount": 4, "parityShardCount": 2}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let typo = directory.appending("typo.json")
        try Data(#"{"volumeCount": 6, "parityShards": 2}"#.utf8).write(to: URL(fileURLWithPath: typo))
        let cases: [([String], String)] = [
            (
                ["get", String(repeating: "ab", count: 32), "--data", data, "--out", directory.appending("o")],
                "no object with address"
            ),
            (["get", "not-an-address", "--data", data, "--out", directory.appending("o")], "not an object address"),
            (["put", file, "--data", directory.appending("missing/deeper")], "does not exist"),
            (["put", file, "--data", file], "not a directory"),
            (["put", file, "--data", directory.appending("c"), "--config", config], "larger than the volumeCount 3"),
            (["put", file, "--data", directory.appending("t"), "--config", typo], "unknown key 'parityShards'"),
            (["put", directory.appending("nothing.bin"), "--data", data], "nothing.bin"),
            (["put", file, "--data", data, "--volumes", "8"], "cannot change in place"),
            (["frobnicate"], "unknown command"),
            (["get", "--data", data], "missing ADDRESS"),
        ]
        for (arguments, expected) in cases {
            let outcome = try await TesseraBinary.run(arguments)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(!outcome.showsCrash, "\(arguments): \(outcome.errorOutput)")
            #expect(outcome.errorOutput.contains(expected), "\(arguments): \(outcome.errorOutput)")
        }
        let readOnly = directory.appending("readonly")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        if mountSmallFileSystem(at: readOnly, megabytes: 1, readOnly: true) {
            defer { unmount(readOnly) }
            let outcome = try await TesseraBinary.run(["put", file, "--data", readOnly])
            #expect(outcome.status == 1 && outcome.errorOutput.contains("not writable"), "\(outcome.errorOutput)")
        }
    }
}
