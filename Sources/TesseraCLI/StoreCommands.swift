// The local-store subcommands: put, get, list, delete, gc, scrub. Each opens the data directory, reports what the
// open repaired, does its work with progress on standard error, and prints results on standard output.
import ObjectStore
import Posix
import Primitives
import Volumes

/// The subcommands that work on a local store.
enum StoreCommands {
    static func put(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data", "volumes", "config"])
        guard !arguments.positionals.isEmpty else {
            throw UsageError(description: "put needs at least one FILE")
        }
        let store = try openStore(arguments)
        defer { store.close() }
        var failures = 0
        for path in arguments.positionals {
            do {
                let source = try FileSource(path: path)
                let progress = Progress("storing \(path)", totalBytes: source.length)
                var input = source
                let receipt = try store.put(from: &input) { progress.advance(toTotal: $0) }
                progress.finish()
                Console.output("\(receipt.address)  \(path)\n")
                if receipt.isDegraded {
                    Console.error(
                        "tessera: warning: \(path) was stored degraded; run `tessera scrub` to heal it")
                }
            } catch {
                failures += 1
                Console.error("tessera: error: \(path): \(error)")
            }
        }
        if failures > 0 {
            throw StoreError(.io, "\(failures) of \(arguments.positionals.count) files were not stored")
        }
    }

    static func get(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data", "out"])
        let address = try parseAddress(try arguments.single("ADDRESS"))
        let output = try arguments.required("out")
        let store = try openStore(arguments)
        defer { store.close() }
        let manifest = try store.manifest(address)
        // Write beside the target and rename at the end, so a failed read never leaves a partial file.
        let partial = output + ".partial"
        do {
            var sink = try FileSink(path: partial)
            let progress = Progress(
                "reading \(address.hex.prefix(12))", totalBytes: Int64(manifest.length))
            try store.get(address, into: &sink) { progress.advance(toTotal: $0) }
            try (sink as FileSink).synchronize()
            progress.finish()
            try PosixDisk().rename(partial, to: output)
        } catch {
            try? PosixDisk().removeFile(partial)
            throw error
        }
    }

    static func list(_ words: [String]) throws {
        let store = try openStore(try Arguments(words, valued: ["data"]))
        defer { store.close() }
        for object in try store.list() {
            Console.output("\(object.address)  \(object.length)  \(object.chunkCount) chunks\n")
        }
    }

    static func delete(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"])
        let address = try parseAddress(try arguments.single("ADDRESS"))
        let store = try openStore(arguments)
        defer { store.close() }
        try store.delete(address)
        Console.output("deleted \(address); `tessera gc` frees its chunks\n")
    }

    static func collectGarbage(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data"], switches: ["force"])
        let directory = try arguments.required("data")
        let store = try openStore(arguments)
        defer { store.close() }
        // In a node's data directory an object no catalog row names may be an instance the catalog lost: only
        // --force deletes those; a rebuild would catalogue them instead.
        if let uncatalogued = try CatalogCommands.uncatalogued(directory: directory, store: store),
            !uncatalogued.isEmpty
        {
            if arguments.flag("force") {
                for address in uncatalogued { try store.delete(address) }
                Console.output("deleted \(uncatalogued.count) objects no catalog row names (--force)\n")
            } else {
                Console.error(
                    "tessera: kept \(uncatalogued.count) objects no catalog row names (`tessera check` lists them; "
                        + "`tessera catalog rebuild` catalogues the instances among them; --force deletes them)"
                )
            }
        }
        let report = try store.collectGarbage()
        Console.output(
            "live objects: \(report.liveObjects), records freed: \(report.recordsFreed), "
                + "space reclaimed: \(Console.bytes(report.bytesReclaimed))\n")
    }

    static func scrub(_ words: [String]) throws {
        let arguments = try Arguments(words, valued: ["data", "rate"])
        let rate = try arguments.integer("rate", in: 0...100_000) ?? 0
        let store = try openStore(arguments)
        defer { store.close() }
        let progress = Progress("scrubbing", totalBytes: nil)
        var lastBytes: Int64 = 0
        let report = try store.scrub(bytesPerSecond: Int64(rate) * 1_000_000, clock: MonotonicClock()) {
            partial in
            progress.advance(by: partial.bytesChecked - lastBytes)
            lastBytes = partial.bytesChecked
        }
        progress.finish()
        Console.output(
            "records checked: \(report.recordsChecked) (\(Console.bytes(report.bytesChecked)))\n"
                + "damaged records: \(report.corruptRecords)\n"
                + "incomplete chunks and manifests: \(report.incompleteObjects), healed: \(report.healed)\n"
        )
        guard report.unrecoverable.isEmpty else {
            throw StoreError(
                .corrupt,
                "\(report.unrecoverable.count) chunks cannot be rebuilt on this node: "
                    + report.unrecoverable.prefix(5).map(\.hex).joined(separator: ", "))
        }
    }

    // MARK: - Shared

    static func parseAddress(_ text: String) throws(UsageError) -> ChunkAddress {
        guard let address = ChunkAddress(hex: text) else {
            throw UsageError(description: "'\(text)' is not an object address (64 hexadecimal digits)")
        }
        return address
    }

    /// Opens the store named by `--data`, with `--volumes`/`--config` for a new one, and reports repairs.
    static func openStore(_ arguments: Arguments) throws -> ObjectStore {
        let directory = try arguments.required("data")
        let disk = PosixDisk()
        if let problem = disk.dataDirectoryProblem(directory) {
            throw StoreError(.dataDirectory, problem)
        }
        let requested = try StoreConfigurationFile.requested(
            volumeCount: try arguments.integer("volumes", in: 1...64),
            configPath: arguments.value("config"))
        let store = try ObjectStore.open(
            directory: directory, requested: requested, disk: disk, random: SystemRandomSource(),
            executor: CommandExecutor.shared)
        let report = store.openReport
        for number in report.replacedVolumes {
            Console.error(
                "tessera: warning: volume \(number) was missing and is now empty; "
                    + "run `tessera scrub --data \(directory)` to restore full redundancy")
        }
        for (number, reason) in report.unavailableVolumes {
            Console.error("tessera: warning: volume \(number) is unavailable: \(reason)")
        }
        for line in report.unsettledNotes { Console.error("tessera: " + line) }
        for (number, repair) in report.repairs {
            Console.error(
                "tessera: note: volume \(number) repaired on open: rebuilt index \(repair.rebuiltIndex), "
                    + "torn tail \(repair.truncatedBytes) bytes, damaged bytes skipped \(repair.skippedBytes)"
            )
        }
        return store
    }
}
