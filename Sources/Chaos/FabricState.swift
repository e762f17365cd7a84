// The state file of a fabric run, `fabric.json` in its state folder: the layout and the faults in force, so that
// a later `tessera chaos net …` command (another process) finds the namespaces `up` made and changes the faults.
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the state file holds.
struct FabricState: Codable, Equatable {
    /// The name of the state file in a fabric's state folder.
    static let fileName = "fabric.json"

    /// The hosts and the run id.
    var layout: FabricLayout
    /// Whether the kernel has netem (probed at `up`); delays need it.
    var hasNetem: Bool
    /// Why netem is missing, in tc's words, when it is.
    var netemProblem: String?
    /// The faults in force.
    var faults: FaultState

    /// The path of the state file in `stateDirectory`.
    static func path(in stateDirectory: String) -> String { stateDirectory + "/" + fileName }

    /// Reads the state file in `stateDirectory`, or nil when there is none.
    static func load(stateDirectory: String) throws(ChaosError) -> FabricState? {
        let path = path(in: stateDirectory)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(FabricState.self, from: data)
        } catch {
            throw ChaosError(.state, "the fabric state file \(path) cannot be read: \(error)")
        }
    }

    /// Writes the state file in `stateDirectory`, replacing the old one atomically.
    func save(stateDirectory: String) throws(ChaosError) {
        let path = Self.path(in: stateDirectory)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ChaosError(.state, "cannot write the fabric state file \(path): \(error)")
        }
    }
}
