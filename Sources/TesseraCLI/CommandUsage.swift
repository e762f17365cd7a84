// The usage of each subcommand: what `tessera <command> --help` (or `-h`, or `tessera help <command>`) prints, and
// what follows a usage mistake in that command. The list of every command is TesseraCommand.usage.

/// Per-command usage texts.
enum CommandUsage {
    /// The words that ask a subcommand for its usage instead of running it.
    static let helpWords: Set<String> = ["--help", "-h"]

    /// Whether `words` (a subcommand's arguments) ask for its usage.
    static func asksForHelp(_ words: [String]) -> Bool {
        words.contains { helpWords.contains($0) }
    }

    /// The usage of `command`, or nil for a command that has none (unknown, or internal).
    static func text(for command: String) -> String? {
        byCommand[command]
    }

    /// Each subcommand's usage, ending with a newline.
    static let byCommand: [String: String] = [
        "node": """
        usage: tessera node --config FILE [--check]
               tessera node --data DIR [--http 127.0.0.1:PORT] [--dimse 127.0.0.1:PORT|off] [--volumes N]
                    [--read-cache-mb N]

        Runs an archive node in the foreground until SIGINT or SIGTERM; DICOMweb at http://HOST:PORT/dicom-web.
        A node with a "cluster" section gossips with its region, leaves it gracefully on SIGTERM, and reloads its
        cluster key file on SIGHUP.
          --config FILE        run as the JSON config file says (README.md, "Configuration file")
          --check              only check the config file and print it with its defaults; start nothing
          --data DIR           a loopback node with anonymous read and write, its data in DIR
          --http ADDRESS       IPv4:PORT to listen on, loopback only with --data (default 127.0.0.1:8042;
                               port 0 picks a free one)
          --dimse ADDRESS      IPv4:PORT for DIMSE, AE title TESSERA, any caller, loopback only with --data
                               (default 127.0.0.1:4242; port 0 picks a free one; off: none)
          --volumes N          volumes of a new store (default 6)
          --read-cache-mb N    memory for chunks already read (default 512; 0 turns it off)

        """,
        "store": """
        usage: tessera store PATH... --node URL [--token T] [--batch-mb N]

        Sends DICOM Part-10 files and folders (recursive, hidden files skipped) to a node with STOW-RS.
          --node URL           the node's DICOMweb base URL, e.g. http://127.0.0.1:8042/dicom-web
          --token T            bearer token with role write (or $TESSERA_TOKEN); an https node needs $TESSERA_CA
          --batch-mb N         the most megabytes per request (default 64)

        """,
        "fetch": """
        usage: tessera fetch --study UID --out DIR --node URL [--token T]

        Retrieves a study with WADO-RS as DIR/SERIES/SOP.dcm.
          --study UID          the Study Instance UID
          --out DIR            where to write the files
          --node URL           the node's DICOMweb base URL
          --token T            bearer token with role read (or $TESSERA_TOKEN); an https node needs $TESSERA_CA

        """,
        "find": """
        usage: tessera find [filters] --node URL [--token T] [--json]

        Searches studies (or series, or instances) with QIDO-RS and prints a table.
          --patient-id ID      --patient-name PATTERN (wildcards * and ?)     --modality M
          --since YYYYMMDD     --until YYYYMMDD     --accession A     --study UID
          --level study|series|instance (default study)     --limit N
          --node URL           the node's DICOMweb base URL
          --token T            bearer token with role read (or $TESSERA_TOKEN); an https node needs $TESSERA_CA
          --json               print the DICOM JSON as received

        """,
        "samples": """
        usage: tessera samples --out DIR [--studies N] [--slices N] [--size PIXELS] [--seed N]

        Writes generated CT and MR studies as DIR/STUDY/SERIES/SOP.dcm, one line per study.

        """,
        "put": """
        usage: tessera put FILE... --data DIR [--volumes N] [--config FILE]

        Stores files in a local store (a stopped node's data directory); prints "ADDRESS  FILE" for each.
          --volumes N          volumes of a new store (default 6)
          --config FILE        JSON with volumeCount, dataShardCount, parityShardCount for a new store

        """,
        "get": """
        usage: tessera get ADDRESS --data DIR --out FILE

        Reads an object of a local store back to FILE, verified.

        """,
        "list": """
        usage: tessera list --data DIR

        Lists every object of a local store: address, length, chunks.

        """,
        "delete": """
        usage: tessera delete ADDRESS --data DIR

        Deletes an object of a local store (a tombstone; `gc` frees its chunks).

        """,
        "gc": """
        usage: tessera gc --data DIR [--force]

        Frees the chunks no live object references, then compacts segments. In a node's data directory (one with
        a catalog), objects no catalog row names are kept and counted: they may be instances the catalog lost.
          --force   delete those objects too (`tessera check` lists them first)

        """,
        "cluster": """
        usage: tessera cluster up TOPOLOGY.json [--data DIR] [--first-address 127.0.0.10] [--http-port 8042]
                                                [--gossip-port 7946] [--internal-port 8043] [--dimse-port 4242]
                                                [--settings FILE]
               tessera cluster status [--data DIR]
               tessera cluster start [NODE...] [--data DIR]
               tessera cluster down [--data DIR]
               tessera cluster certs TOPOLOGY.json [--out DIR] [--first-address 127.0.0.10]
                                                   [--addresses NODE=IP,...] [--renew]
               tessera cluster key new FILE
               tessera cluster key rotate FILE

        up starts one `tessera node` per node of the topology (Cluster/README.md) on consecutive loopback addresses
        with the same ports, each with its config, log and data under DIR/nodes/NAME (default DIR tessera-region), a
        new cluster key in DIR/cluster.key, certificates in DIR/certs (as `certs` makes them) for the internal API on
        --internal-port, DIMSE (AE title TESSERA) on --dimse-port, anonymous access on loopback; it waits until every
        node sees every other alive and prints a table and where clients connect; --settings names a JSON object of
        cluster settings every node gets (timings, replicaCount, downOutSeconds…). status prints territory, site,
        node, state, members seen alive, instances catalogued and held, instances below R copies (as of the node's
        last audit walk), free space, outbox depth and replication lag per node. start starts again the named nodes
        (all without names) that are not running. down stops every node (SIGTERM, then SIGKILL after 30 s); the data
        stays.

        certs makes the cluster CA (DIR/ca.pem and its key DIR/ca-key.pem, default DIR tessera-certs) unless DIR
        has one, and for each node of the topology without one a certificate and key (DIR/NODE.pem,
        DIR/NODE-key.pem, keys 0600) naming the node and its address: loopback addresses from --first-address as
        `up` gives them, or those --addresses names. --renew issues every node a new one. Nodes use them for the
        internal API (cluster.tls in their config): TLS 1.3, both ends show a certificate of the cluster CA.

        Manages the cluster key file that seals every gossip datagram and push-pull stream (AES-256-GCM). One base64
        key per line; the first seals, all are accepted.
          key new FILE      write a new file with one random key, mode 0600; refuses to overwrite a file
          key rotate FILE   add a new random primary key, keep the old ones as accepted, replace FILE atomically,
                            and print the new key id. Copy the file to every node: each reloads it within a few
                            seconds (or at once on SIGHUP). Remove the old key lines later, once every node has the
                            new file.

        """,
        "chaos": """
        usage: tessera chaos run SCENARIO.json...|all|random [--seed N] [--seeds K] [--short] [--duration S]
                                 [--topology FILE] [--scenarios DIR] [--report DIR]
               tessera chaos net up TOPOLOGY.json [--state DIR]
               tessera chaos net partition SIDE SIDE [--one-way] [--state DIR]
               tessera chaos net heal [SIDE SIDE] [--state DIR]
               tessera chaos net shape SIDE SIDE [--delay-ms N] [--jitter-ms N] [--loss-percent P] [--rate-kbit N]
                                       [--both-ways] [--state DIR]
               tessera chaos net show [--state DIR]
               tessera chaos net down [--state DIR]

        The chaos runner's network (Chaos/README.md): one network namespace per node of a topology file, joined by
        veths to a bridge in a namespace of its own, addresses from 10.77.0.0/16; faults act on real packets. Needs
        root, iproute2 and nftables; delay and jitter also need the kernel's netem. The state folder (default
        tessera-chaos) holds fabric.json and operations.jsonl, the log of every operation.
          up          make the namespaces and print each host's address and namespace
          partition   cut every packet between the two sides (--one-way: only from the first to the second)
          heal        restore the cuts between the two sides, or every cut
          shape       delay (with jitter), lose or cap the rate of what the first side sends to the second
                      (--both-ways: both directions); no option clears the shaping
          show        the hosts and the faults in force
          down        kill what runs in the namespaces and remove them, and any left by earlier runs
        A SIDE is host, site and territory names joined by commas, or 'rest' for every host not on the other side.

        run plays scenarios (Chaos/scenarios/*.json; 'all' is every one, 'random' a seeded mix of every fault) against
        the topology's nodes in a fabric of their own: a workload with a recorded history, the faults on schedule, the
        heal, and the checker (nothing acknowledged lost, no corrupt read, catalogs equal, R copies within the bound).
          --seed N             the first seed (default 1); --seeds K plays each scenario K times, seeds N, N+1, ...
          --short              every time of the scenario halved (the CI's short run)
          --duration S         the length of 'random' (default 300)
          --topology FILE      default Cluster/grand-est.json; --scenarios DIR what 'all' plays (Chaos/scenarios)
          --report DIR         where each run's history and report go, and summary.md (default tessera-chaos-report)

        """,
        "catalog": """
        usage: tessera catalog rebuild --data DIR [--site S]

        Rebuilds a stopped node's catalog from its store alone: every stored object is read back, verified, and
        each DICOM instance catalogued. The old catalog is kept as catalog.sqlite.before-rebuild. A node does this
        by itself at start when its catalog is missing, empty over a full store, too old or damaged.
          --site S  the origin site recorded for the instances (default: local)

        """,
        "patient-conflicts": """
        usage: tessera patient-conflicts --data DIR [--json]

        Lists the PatientIDs whose studies name different patients (name, birth date or sex), each with every one
        of its studies and the values it carries. Reads only the catalog, so it is safe while the node runs; a
        running node also answers GET /admin/patient-conflicts to an admin token.

        """,
        "check": """
        usage: tessera check --data DIR

        Compares a stopped node's catalog with its store: catalogued instances whose object is missing or short of
        shards, and objects no catalog row names. Exits 1 when a catalogued instance cannot be read.

        """,
        "scrub": """
        usage: tessera scrub --data DIR [--rate MB/s]

        Checks every record of a local store and heals what fails (--rate 0, the default, is unthrottled).

        """,
        "bench": """
        usage: tessera bench storage [--gib N] [--data DIR]
               tessera bench dicomweb [--quick] [--batch N] [--rounds N] [--retrieve-only | --store-only]
                                      [--data DIR]
               tessera bench catalog [--studies N] [--searches N]
               tessera bench rebuild [--instances N] [--slices N]
               tessera bench membership [--quick] [--seed N]

        Prints benchmark tables (use a release build; README.md, "Benchmarks").

        """,
        "sim": """
        usage: tessera sim membership [--nodes N] [--seed S] [--duration SECONDS] [--loss PERCENT] [--memberlist]
                                      [--crash I@T,…] [--restart I@T,…] [--pause I@FROM-UNTIL,…] [--leave I@T,…]
                                      [--partition-site SITE@FROM-UNTIL [--one-way]] [--skew-ms N] [--drift-ppm N]

        Runs the membership protocol of N nodes (default 50; 3 territories of 4 sites) in the simulator for SECONDS of
        virtual time (default 120) and prints whether it converged, how fast each crash was detected, the false
        suspicions and deaths, and the traffic. The same arguments print the same summary.
          --seed S             every random draw (default 1)
          --loss PERCENT       datagrams lost at random
          --memberlist         memberlist's LAN settings instead of Tessera's
          --crash, --restart, --pause, --leave
                               node index I at second T (a pause from FROM to UNTIL); comma-separated lists
          --partition-site SITE@FROM-UNTIL
                               cut site SITE (0…11) off from the rest; --one-way cuts only its outgoing direction
          --skew-ms N          each node's clock offset drawn in ±N ms
          --drift-ppm N        each node's clock drift drawn in ±N ppm

        """,
        "fuzz": """
        usage: tessera fuzz dicom|http|multipart|pdu|rendering [--seed N] [--rounds N]

        Runs a parser's seeded hostile-input loop; a crash replays with its seed (README.md, "Fuzzing").

        """,
    ]
}
