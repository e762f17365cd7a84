// What `tessera cluster up` started, written to REGION/region.json so `cluster status` and `cluster down` find the
// nodes again (their addresses, process ids and folders) from any shell.
import Foundation

/// The nodes of a region started on this machine.
struct RegionState: Codable {
    /// One started node.
    struct Node: Codable {
        var name: String
        var territory: String
        var site: String
        /// Its HTTP address "127.0.0.x:PORT" (DICOMweb under /dicom-web, health at /healthz).
        var http: String
        /// Its gossip address.
        var gossip: String
        var pid: Int32
        /// Its folder: node.json, node.log and data/.
        var directory: String
    }

    var name: String
    var nodes: [Node]

    /// The state file of the region in `directory`.
    static func path(_ directory: String) -> String { directory + "/region.json" }

    /// Reads the state of the region in `directory`, or an error saying none was started there.
    static func load(_ directory: String) throws -> RegionState {
        guard let data = FileManager.default.contents(atPath: path(directory)) else {
            throw ClientError("no region was started from \(directory) (no \(path(directory))); use tessera cluster up")
        }
        do {
            return try JSONDecoder().decode(RegionState.self, from: data)
        } catch {
            throw ClientError("\(path(directory)) is not a region state file: \(error)")
        }
    }

    /// Writes the state to `directory`.
    func save(_ directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        guard FileManager.default.createFile(atPath: Self.path(directory), contents: data) else {
            throw ClientError("cannot write \(Self.path(directory))")
        }
    }
}
