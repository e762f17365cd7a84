// Builds the node's DIMSE listener from its `dimse` settings: the association policy, and the services offered
// (verification and storage, through the DICOMweb responder's store path).
import DICOMweb
import DIMSE
import Primitives

extension ArchiveNode {
    /// The DIMSE server for `settings`, bound and not yet started; nil without settings.
    static func dimseServer(
        _ settings: NodeConfiguration.DIMSESettings?, dicomWeb: DICOMwebResponder, clock: any TimeSource,
        log: @escaping @Sendable (String) -> Void
    ) throws(NodeError) -> DIMSEServer? {
        guard let settings else { return nil }
        var policy = try settings.policy
        policy.offeredServices = { service in service == .verification || service == .storage }
        return try DIMSEServer(
            context: AssociationContext(settings: settings, policy: policy, dicomWeb: dicomWeb, clock: clock, log: log))
    }
}
