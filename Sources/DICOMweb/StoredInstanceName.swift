// An instance a request stores, by its UIDs: what the node's placement needs to say who else must hold it.
import Catalog

/// The study and SOP Instance UIDs of one stored instance.
public struct StoredInstanceName: Sendable, Hashable {
    public let studyUID: String
    public let instanceUID: String

    public init(studyUID: String, instanceUID: String) {
        self.studyUID = studyUID
        self.instanceUID = instanceUID
    }

    /// The names of `instance`.
    init(_ instance: CatalogInstance) {
        self.init(studyUID: instance.studyInstanceUID, instanceUID: instance.sopInstanceUID)
    }
}
