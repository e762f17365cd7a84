// The two servers of `tessera bench dicomweb`, our node and Orthanc, as child processes the bench can restart on
// the same data: a cold read must find nothing in either server's memory, not only nothing in the page cache.
import Foundation
import Posix

/// Our node and (when installed) Orthanc, each with a client.
struct BenchServers {
    /// The bytes each server may keep in memory of what it read: our node's read cache and Orthanc's storage
    /// cache get the same budget, so the warm reads compare like with like.
    static let readCacheBytes: Int64 = 512 << 20

    /// Our node's data folder.
    let nodeData: String
    /// Orthanc's folder (configuration, index and storage).
    let orthancFolder: String
    /// Where both write their logs.
    let logDirectory: String
    private(set) var node: ChildProcess
    private(set) var ours: DICOMwebPeer
    private(set) var orthanc: ChildProcess?
    private(set) var reference: DICOMwebPeer?

    /// Starts our node on `nodeData`, and Orthanc in `orthancFolder` when `withOrthanc`.
    init(nodeData: String, orthancFolder: String, logDirectory: String, withOrthanc: Bool) throws {
        self.nodeData = nodeData
        self.orthancFolder = orthancFolder
        self.logDirectory = logDirectory
        (node, ours) = try Self.startNode(data: nodeData, logDirectory: logDirectory)
        if withOrthanc { (orthanc, reference) = try Self.startReference(folder: orthancFolder) }
    }

    /// The folders holding both servers' stored data, whose pages a cold read drops.
    var dataFolders: [String] { [nodeData] + (orthanc == nil ? [] : [orthancFolder + "/storage"]) }

    /// Stops our node and starts it again on the same data, with nothing in its memory.
    mutating func restartNode() throws {
        node.stop()
        (node, ours) = try Self.startNode(data: nodeData, logDirectory: logDirectory)
    }

    /// Stops Orthanc and starts it again on the same index and storage, with nothing in its memory.
    mutating func restartReference() throws {
        guard let running = orthanc else { return }
        running.stop()
        orthanc = nil
        (orthanc, reference) = try Self.startReference(folder: orthancFolder)
    }

    private static func startNode(data: String, logDirectory: String) throws -> (ChildProcess, DICOMwebPeer) {
        let started = try DICOMwebBench.startNode(
            data: data, logDirectory: logDirectory, readCacheBytes: readCacheBytes)
        return (started.process, try DICOMwebPeer(name: "ours", origin: started.origin))
    }

    private static func startReference(folder: String) throws -> (ChildProcess, DICOMwebPeer) {
        let started = try OrthancServer.start(directory: folder, storageCacheBytes: readCacheBytes)
        return (started.process, try DICOMwebPeer(name: "Orthanc", origin: started.origin))
    }

    /// Stops both.
    func stop() {
        node.stop()
        orthanc?.stop()
    }
}
