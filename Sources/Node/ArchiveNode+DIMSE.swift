// Builds the node's DIMSE listener from its `dimse` settings: the association policy, and the services offered
// (verification, storage through the DICOMweb responder's store path, and query from the catalog).
import Catalog
import DICOMweb
import DIMSE
import Primitives

extension ArchiveNode {
    /// The DIMSE server for `settings`, bound and not yet started; nil without settings.
    static func dimseServer(
        _ settings: NodeConfiguration.DIMSESettings?, dicomWeb: DICOMwebResponder, catalog: Catalog,
        clock: any TimeSource,
        log: @escaping @Sendable (String) -> Void
    ) throws(NodeError) -> DIMSEServer? {
        guard let settings else { return nil }
        var policy = try settings.policy
        policy.offeredServices = { service in
            switch service {
            case .verification, .storage, .find: true
            case .get, .move: false
            }
        }
        return try DIMSEServer(
            context: AssociationContext(
                settings: settings, policy: policy, dicomWeb: dicomWeb, catalog: catalog, clock: clock, log: log))
    }
}
