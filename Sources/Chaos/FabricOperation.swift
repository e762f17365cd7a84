// The record of what the fabric did: one JSON line per operation (up, down, a cut, a heal, a shape, a process
// started in a host), appended to the run's log so a chaos history can record the nemesis's actions.
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One operation of the fabric, as its log line holds it.
public struct FabricOperation: Sendable, Equatable, Codable {
    /// When it was done, in milliseconds since the Unix epoch (the wall clock handed to the fabric).
    public let timeMilliseconds: Int64
    /// The fabric run it belongs to.
    public let runID: String
    /// What was done: `up`, `down`, `partition`, `partition-one-way`, `heal`, `heal-all`, `shape`, `start`.
    public let operation: String
    /// Its arguments in words, e.g. "strasbourg-1,strasbourg-2 ⇎ rest".
    public let detail: String

    /// Makes a record.
    public init(timeMilliseconds: Int64, runID: String, operation: String, detail: String) {
        self.timeMilliseconds = timeMilliseconds
        self.runID = runID
        self.operation = operation
        self.detail = detail
    }

    /// The name of the log file in a fabric's state folder.
    public static let logFileName = "operations.jsonl"

    /// Appends `operation` as one JSON line to the log in `stateDirectory`.
    static func append(_ operation: FabricOperation, stateDirectory: String) throws(ChaosError) {
        let path = stateDirectory + "/" + logFileName
        let line: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            line = Array(try encoder.encode(operation))
        } catch {
            throw ChaosError(.state, "cannot encode the operation \(operation.operation): \(error)")
        }
        try JSONLines.append(line, to: path, what: "the operation log")
    }

    /// Every operation logged in `stateDirectory`, oldest first; an unreadable line is an error naming its number.
    public static func readLog(stateDirectory: String) throws(ChaosError) -> [FabricOperation] {
        let path = stateDirectory + "/" + logFileName
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var operations: [FabricOperation] = []
        for (number, line) in data.split(separator: 0x0A).enumerated() {
            do {
                operations.append(try JSONDecoder().decode(FabricOperation.self, from: Data(line)))
            } catch {
                throw ChaosError(.state, "\(path), line \(number + 1): not an operation record (\(error))")
            }
        }
        return operations
    }
}
