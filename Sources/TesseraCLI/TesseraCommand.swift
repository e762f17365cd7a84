// The entry point of the `tessera` executable: picks the subcommand from argv, runs it, and maps every error to a
// clear message and an exit code (2 for usage mistakes, 1 for everything else). No stack traces for operators.
import Foundation
import ObjectStore
import Posix

#if canImport(Glibc)
    import Glibc
#endif

/// The `tessera` command line.
public enum TesseraCommand {
    static let usage = """
        usage: tessera <command> [options]      tessera <command> --help prints that command's usage

        Archive node (DICOMweb at http://HOST:PORT/dicom-web):
          node --config FILE [--check]                          run a node as its config file says (--check: only
                                                                check the file and print it with its defaults)
          node --data DIR [--http 127.0.0.1:PORT]               run a loopback node, anonymous read and write
               [--volumes N] [--read-cache-mb N]                (six volumes and a 512 MiB read cache by default)
          store PATH... --node URL [--token T]                  send DICOM files and folders (STOW-RS)
          fetch --study UID --out DIR --node URL [--token T]    retrieve a study (WADO-RS) as DIR/SERIES/SOP.dcm
          find [filters] --node URL [--token T] [--json]        search studies, series or instances (QIDO-RS)
               filters: --patient-id ID --patient-name PAT --modality M --since YYYYMMDD --until YYYYMMDD
                        --accession A --study UID --level study|series|instance --limit N
          The token may also come from $TESSERA_TOKEN.
          samples --out DIR [--studies N] [--slices N]          write generated CT and MR studies as
                  [--size PIXELS] [--seed N]                    DIR/STUDY/SERIES/SOP.dcm (sample data)

        Region (gossip between nodes; README.md, "Cluster"):
          cluster up TOPOLOGY.json [--data DIR]                 a whole region on loopback, one node process per
                                                                node (127.0.0.10…); waits until they converge
          cluster status | down [--data DIR]                    each node's state, copies, outbox and lag; stop all
          cluster start [NODE...] [--data DIR]                  start again nodes of the region that are down
          cluster key new FILE                                  write a new cluster key file (0600, never over one)
          cluster key rotate FILE                               add a new primary key, keep the old ones accepted;
                                                                prints the new key id

        Chaos (README.md and Chaos/README.md; root, iproute2 and nftables):
          chaos run SCENARIO.json...|all|random [--seeds K]    play scenarios on real nodes and check the history
          chaos net up TOPOLOGY.json [--state DIR]              a network namespace per node of the topology
          chaos net partition SIDE SIDE [--one-way]             cut hosts, sites or territories apart ('rest': all
          chaos net heal [SIDE SIDE]                            others); heal one cut or all of them
          chaos net shape SIDE SIDE [--delay-ms N] [--loss-percent P] [--rate-kbit N] ...
          chaos net show | down [--state DIR]                   the hosts and faults; remove every namespace

        Local store (a node's data directory with its volumes):
          put FILE... --data DIR [--volumes N] [--config FILE]   store files, print "ADDRESS  FILE" for each
          get ADDRESS --data DIR --out FILE                     read an object back, verified
          list --data DIR                                       every object: address, length, chunks
          delete ADDRESS --data DIR                             delete an object (tombstone)
          gc --data DIR [--force]                               free unreferenced chunks, compact segments (in a
                                                                node's directory --force also deletes objects no
                                                                catalog row names)
          scrub --data DIR [--rate MB/s]                        check every record, heal what fails
          catalog rebuild --data DIR [--site S]                 rebuild a stopped node's catalog from its store
          check --data DIR                                      catalogued instances without a whole object, and
                                                                objects no catalog row names
          patient-conflicts --data DIR [--json]                 PatientIDs whose studies name different patients

        Benchmarks (use a release build):
          bench storage [--gib N] [--data DIR]                  chunker, hashes, Reed-Solomon, put/get, RSS
          bench dicomweb [--quick] [--batch N] [--data DIR]     STOW/WADO/QIDO against Orthanc, node peak RSS
               [--rounds N] [--retrieve-only | --store-only]    outside-client rounds; only the retrieve or STOW rows
          bench dimse [--quick] [--rounds N] [--data DIR]       C-STORE/FIND/GET/MOVE against Orthanc, node RSS
          bench catalog [--studies N] [--searches N]            Catalog.query latency (100 instances per study)
          bench rebuild [--instances N] [--slices N]            catalog rebuild rate: small instances, a CT study
          bench membership [--quick] [--seed N]                 crash detection, false deaths under loss, gossip
                                                                bytes, Vivaldi error, 2,000 simulated nodes

        Simulation (one thread, virtual time, replayed by its seed):
          sim membership [--nodes N] [--seed S] [--duration S]  the membership protocol with crashes, pauses, loss,
                         [--loss %] [--crash I@T,…] …          partitions and clock skew (see sim --help)

        Hostile-input loops of the parsers (README.md, "Fuzzing"):
          fuzz dicom|http|multipart [--seed N] [--rounds N]      seeded mutations; a crash replays with its seed
        """

    /// Runs the subcommand named in the process arguments and exits.
    public static func main() {
        exit(run(Array(commandLineArguments().dropFirst())))
    }

    /// Runs `arguments` (without the program name) and returns the exit status.
    ///
    /// `tessera`, `tessera help`, `--help` or `-h` print the list of commands (exit 2 for the bare command, a
    /// mistake; 0 otherwise); `tessera help COMMAND` and `tessera COMMAND --help` (or `-h`) that command's usage.
    public static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            print(usage)
            return 2
        }
        if command == "help" || CommandUsage.helpWords.contains(command) {
            guard arguments.count > 1 else {
                print(usage)
                return 0
            }
            guard let text = CommandUsage.text(for: arguments[1]) else {
                Console.error("tessera: unknown command '\(arguments[1])'")
                Console.error(usage)
                return 2
            }
            Console.output(text)
            return 0
        }
        let rest = Array(arguments.dropFirst())
        if CommandUsage.asksForHelp(rest), let text = CommandUsage.text(for: command) {
            Console.output(text)
            return 0
        }
        do {
            switch command {
            case "node": try NodeCommand.run(rest)
            case "store": try StowCommand.run(rest)
            case "fetch": try FetchCommand.run(rest)
            case "find": try FindCommand.run(rest)
            case "samples": try SamplesCommand.run(rest)
            case "put": try StoreCommands.put(rest)
            case "get": try StoreCommands.get(rest)
            case "list": try StoreCommands.list(rest)
            case "delete": try StoreCommands.delete(rest)
            case "gc": try StoreCommands.collectGarbage(rest)
            case "scrub": try StoreCommands.scrub(rest)
            case "catalog": try CatalogCommands.run(rest)
            case "cluster": try ClusterCommand.run(rest)
            case "chaos": try ChaosCommand.run(rest)
            case "check": try CatalogCommands.check(rest)
            case "patient-conflicts": try CatalogCommands.patientConflicts(rest)
            case "bench": try BenchCommand.run(rest)
            case "fuzz": try FuzzCommand.run(rest)
            case "sim": try SimCommand.run(rest)
            case "bench-rss-child": try BenchCommand.rssChild(rest)
            default: throw UsageError(description: "unknown command '\(command)'")
            }
            return 0
        } catch let error as UsageError {
            Console.error("tessera: \(error)")
            Console.error(CommandUsage.text(for: command) ?? usage)
            return 2
        } catch {
            Console.error("tessera: error: \(error)")
            return 1
        }
    }
}

/// The program's arguments. Under libfaketime (the chaos runner's clock-skew fault) Swift's runtime sees none, so
/// they are read from /proc/self/cmdline, which the kernel keeps whatever the preloaded library does.
func commandLineArguments() -> [String] {
    guard CommandLine.arguments.isEmpty else { return CommandLine.arguments }
    let bytes = FileManager.default.contents(atPath: "/proc/self/cmdline") ?? Data()
    return bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map {
        String(decoding: $0, as: UTF8.self)
    }
}
