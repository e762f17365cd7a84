// The reference server of `tessera bench dicomweb`: Debian's Orthanc with its DICOMweb plugin, installed when
// missing (as root, like .ci/prerequisites.sh), configured on a free loopback port with its own storage folder.
import Foundation
import Glibc
import Posix
import Transport

/// An Orthanc the bench runs as a child process.
enum OrthancServer {
    /// Debian's Orthanc executable.
    static let executable = "/usr/sbin/Orthanc"
    /// Debian's DICOMweb plugin for it.
    static let plugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"
    /// The Debian packages that provide both.
    static let packages = ["orthanc", "orthanc-dicomweb"]
    /// How long Orthanc may take to answer `/system` after it starts.
    static let startSeconds = 60.0

    /// Whether Orthanc can run; installs it first when it is missing and this process is root. Returns nil when
    /// it can, else the note saying why not and what to run.
    static func ensureInstalled() -> String? {
        if isInstalled { return nil }
        let line = "apt-get install -y " + packages.joined(separator: " ")
        guard getuid() == 0 else { return "Orthanc is not installed; run `sudo \(line)` for its columns" }
        Console.error("installing \(packages.joined(separator: " ")) (\(line))…")
        if !aptGet(["install", "-y", "-q"] + packages) {
            _ = aptGet(["update", "-q"])
            _ = aptGet(["install", "-y", "-q"] + packages)
        }
        return isInstalled ? nil : "installing Orthanc failed; run `\(line)` for its columns"
    }

    private static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: executable) && FileManager.default.fileExists(atPath: plugin)
    }

    private static func aptGet(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/apt-get")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["DEBIAN_FRONTEND": "noninteractive"]) {
            $1
        }
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Starts Orthanc with its storage and index in `directory` (kept if they exist) and a storage cache of
    /// `storageCacheBytes`, and waits until it answers `/system`; returns the process and its origin,
    /// "http://127.0.0.1:PORT".
    /// `nextPort` gives the port of each attempt.
    /// With `moveDestinations` (AE title → port on 127.0.0.1), its DICOM server runs too, AE title `ORTHANC`, on a
    /// free port returned as `dicomPort`, letting any caller store, find, get and move to those destinations.
    static func start(
        directory: String, storageCacheBytes: Int64, moveDestinations: [String: Int]? = nil,
        nextPort: () throws -> Int = freeLoopbackPort
    ) throws -> (process: ChildProcess, origin: String, dicomPort: Int?) {
        // The free port is released before Orthanc binds it, so another process (a parallel test, an outgoing
        // connection) may take it in between: Orthanc then exits saying so, and gets another port.
        var attempt = 1
        while true {
            do {
                let dicom = try moveDestinations.map { destinations in (port: try nextPort(), destinations) }
                let started = try start(
                    directory: directory, storageCacheBytes: storageCacheBytes, port: nextPort(), dicom: dicom)
                return (started.process, started.origin, dicom?.port)
            } catch let error as ChildProcessError where attempt < portAttempts && error.isPortInUse {
                attempt += 1
            }
        }
    }

    /// Orthanc's DICOM AE title in the bench.
    static let dicomAETitle = "ORTHANC"

    /// How many free ports `start` tries before it gives up.
    static let portAttempts = 5

    private static func start(
        directory: String, storageCacheBytes: Int64, port: Int, dicom: (port: Int, destinations: [String: Int])?
    ) throws -> (process: ChildProcess, origin: String) {
        let storage = directory + "/storage"
        try PosixDisk().makeDirectory(storage)
        // Everything the comparison depends on is spelled out, not left to the defaults of this version: files are
        // fsynced (as ours are), kept uncompressed, answers not gzipped, connections kept alive, and the storage
        // cache (Orthanc 1.10's memory of files read) as large as our node's read cache.
        var configuration: [String: Any] = [
            "Name": "tessera-bench", "StorageDirectory": storage, "IndexDirectory": storage,
            "HttpPort": port, "DicomServerEnabled": false, "RemoteAccessAllowed": false,
            "AuthenticationEnabled": false, "SyncStorageArea": true, "StorageCompression": false,
            "HttpCompressionEnabled": false, "KeepAlive": true, "TcpNoDelay": true,
            "MaximumStorageCacheSize": Int(storageCacheBytes >> 20),
            "Plugins": [plugin], "DicomWeb": ["Enable": true, "Root": "/dicom-web/"] as [String: Any],
        ]
        if let dicom {
            // Any caller may store, find and get; moves go to the listed destinations. Orthanc's DICOM side is
            // dcmtk's, which turns TCP_NODELAY on unless the environment says TCP_NODELAY=0: the bench sets it to 1.
            let modalities = dicom.destinations.map { title, port in (title, [title, "127.0.0.1", port] as [Any]) }
            configuration.merge(
                [
                    "DicomServerEnabled": true, "DicomAet": dicomAETitle, "DicomPort": dicom.port,
                    "DicomCheckCalledAet": false, "DicomAlwaysAllowStore": true, "DicomAlwaysAllowFind": true,
                    "DicomAlwaysAllowGet": true, "DicomAlwaysAllowMove": true, "DicomCheckModalityHost": false,
                    "DicomModalities": Dictionary(uniqueKeysWithValues: modalities),
                ], uniquingKeysWith: { $1 })
        }
        let path = directory + "/orthanc.json"
        try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: path))
        let process = try ChildProcess(
            name: "Orthanc", executable: executable, arguments: [path], logDirectory: directory)
        let origin = "http://127.0.0.1:\(port)"
        try waitUntilAnswering(process, origin: origin)
        return (process, origin)
    }

    /// Polls `GET /system` until it answers 200, the process exits, or `startSeconds` pass.
    private static func waitUntilAnswering(_ process: ChildProcess, origin: String) throws {
        let client = try HTTPClient(
            baseURL: origin, configuration: HTTPClientConfiguration(connectTimeoutSeconds: 1, ioTimeoutSeconds: 5),
            clock: MonotonicClock())
        defer { client.close() }
        let deadline = ChildProcess.deadline(seconds: startSeconds)
        while MonotonicClock().now() < deadline {
            if var response = try? client.send(method: "GET", target: "/system"),
                (try? response.readAll(bytesMax: 1 << 20)) != nil, response.status == 200
            {
                return
            }
            guard process.isRunning else { throw process.failure("exited before it answered /system") }
            ChildProcess.pause(milliseconds: 50)
        }
        throw process.failure("did not answer /system within \(Int(startSeconds)) s")
    }

    /// A loopback port nobody listens on right now (bound to port 0, then released).
    static func freeLoopbackPort() throws -> Int {
        let socket = try ListeningSocket(host: "127.0.0.1", port: 0)
        defer { socket.close() }
        return socket.boundPort
    }

    /// The version Orthanc reports, e.g. "1.10.1", for the table's note.
    static func version(origin: String) -> String {
        guard let client = try? HTTPClient(baseURL: origin, clock: MonotonicClock()) else { return "?" }
        defer { client.close() }
        guard var response = try? client.send(method: "GET", target: "/system"),
            let body = try? response.readAll(bytesMax: 1 << 20),
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let version = object["Version"] as? String
        else { return "?" }
        return version
    }
}

extension ChildProcessError {
    /// Whether Orthanc exited because its HTTP port was taken ("…privileged or already in use").
    fileprivate var isPortInUse: Bool { description.contains("already in use") }
}
