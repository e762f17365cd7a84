// What every association of a node shares: the DIMSE settings and policy, the services behind the messages (the
// DICOMweb responder's store path), the clock deadlines are counted on and the operator's log.
import Catalog
import DICOMweb
import DIMSE
import Primitives

/// The shared, read-only context of a node's associations.
struct AssociationContext: Sendable {
    /// The node's DIMSE settings.
    let settings: NodeConfiguration.DIMSESettings
    /// Who may associate and what is accepted.
    let policy: AssociationPolicy
    /// The store path C-STORE shares with STOW-RS.
    let dicomWeb: DICOMwebResponder
    /// The catalog C-FIND answers from.
    let catalog: Catalog
    /// The monotonic clock deadlines are counted on.
    let clock: any TimeSource
    /// One line per association event worth an operator's attention.
    let log: @Sendable (String) -> Void
    /// The associations the node opened (C-MOVE's), shut down when the server stops.
    let outgoing = OutgoingAssociations()

    /// The limits PDUs are decoded under.
    var limits: DIMSELimits { DIMSELimits(dataPDUBytesMax: settings.dataPDUBytesMax) }

    /// The timers of each association.
    var timing: AssociationCore.Timing {
        AssociationCore.Timing(
            artimTicks: Int64(settings.artimTimeoutSeconds) * Instant.ticksPerSecond,
            idleTicks: Int64(settings.idleTimeoutSeconds) * Instant.ticksPerSecond)
    }

    /// How long one send may take before the association is given up.
    static let sendTimeoutTicks = 60 * Instant.ticksPerSecond
}
