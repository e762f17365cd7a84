// Builds the node's DIMSE listener from its `dimse` settings: the association policy, and the services offered
// (verification, storage through the DICOMweb responder's store path, query and retrieve from the catalog).
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
        let policy = try settings.policy
        return try DIMSEServer(
            context: AssociationContext(
                settings: settings, policy: policy, dicomWeb: dicomWeb, catalog: catalog, clock: clock, log: log))
    }
}
